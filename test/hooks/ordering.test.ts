import { describe, it, expect } from 'vitest';
import { HookManager } from '../../src/hooks/hook-manager.ts';
import { PluginError } from '../../src/errors.ts';

const tag = (name: string) => (data: string[]) => [...data, name];
const run = (hooks: HookManager, hook = 'h') => hooks.execute(hook, [] as string[]);

describe('before / after constraints', () => {
  it('after beats priority: a low-priority handler waits for the plugin it must follow', async () => {
    const hooks = new HookManager();
    hooks.register('h', tag('cache'), { pluginId: 'cache', priority: 1, after: 'seo' });
    hooks.register('h', tag('seo'), { pluginId: 'seo', priority: 50 });
    hooks.register('h', tag('other'), { pluginId: 'other', priority: 10 });
    expect(await run(hooks)).toStrictEqual(['other', 'seo', 'cache']);
  });

  it('before beats priority', async () => {
    const hooks = new HookManager();
    hooks.register('h', tag('seo'), { pluginId: 'seo', priority: 1 });
    hooks.register('h', tag('early'), { pluginId: 'early', priority: 500, before: ['seo'] });
    expect(await run(hooks)).toStrictEqual(['early', 'seo']);
  });

  it('a constraint covers every handler of the named plugin', async () => {
    const hooks = new HookManager();
    hooks.register('h', tag('a1'), { pluginId: 'a', priority: 1 });
    hooks.register('h', tag('b'), { pluginId: 'b', priority: 2, before: 'a' });
    hooks.register('h', tag('a2'), { pluginId: 'a', priority: 3 });
    expect(await run(hooks)).toStrictEqual(['b', 'a1', 'a2']);
  });

  it('a constraint on a plugin that is not registered (yet) is vacuous, then applies when it arrives', async () => {
    const hooks = new HookManager();
    hooks.register('h', tag('x'), { pluginId: 'x', priority: 1, after: 'late' });
    hooks.register('h', tag('y'), { pluginId: 'y', priority: 2 });
    expect(await run(hooks)).toStrictEqual(['x', 'y']);
    hooks.register('h', tag('late'), { pluginId: 'late', priority: 3 });
    expect(await run(hooks)).toStrictEqual(['y', 'late', 'x']);
  });

  it('unregistering a constraint target lets the constrained handler move back by priority', async () => {
    const hooks = new HookManager();
    hooks.register('h', tag('a'), { pluginId: 'a', priority: 10, after: 'seo' });
    hooks.register('h', tag('b'), { pluginId: 'b', priority: 20 });
    const off = hooks.register('h', tag('seo'), { pluginId: 'seo', priority: 50 });
    expect(await run(hooks)).toStrictEqual(['b', 'seo', 'a']);
    off();
    expect(await run(hooks)).toStrictEqual(['a', 'b']);
    hooks.register('h', tag('seo'), { pluginId: 'seo', priority: 50 });
    hooks.removePlugin('seo');
    expect(await run(hooks)).toStrictEqual(['a', 'b']);
  });

  it('unconstrained ties keep registration order', async () => {
    const hooks = new HookManager();
    hooks.register('h', tag('1'), { pluginId: 'p1', priority: 5 });
    hooks.register('h', tag('2'), { pluginId: 'p2', priority: 5 });
    hooks.register('h', tag('3'), { pluginId: 'p3', priority: 5, after: 'p1' });
    hooks.register('h', tag('4'), { pluginId: 'p4', priority: 5 });
    expect(await run(hooks)).toStrictEqual(['1', '2', '3', '4']);
  });

  it('host handlers (no pluginId) may use constraints too', async () => {
    const hooks = new HookManager();
    hooks.register('h', tag('host'), { priority: 1, after: 'seo' });
    hooks.register('h', tag('seo'), { pluginId: 'seo', priority: 9 });
    expect(await run(hooks)).toStrictEqual(['seo', 'host']);
  });
});

describe('conflicts and cycles are E_ORDER at register time', () => {
  it('a two-plugin cycle names both plugins and the constraints, and registers nothing', async () => {
    const hooks = new HookManager();
    hooks.register('h', tag('a'), { pluginId: 'a', before: 'b' });
    let err: unknown;
    try {
      hooks.register('h', tag('b'), { pluginId: 'b', before: 'a' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PluginError);
    expect((err as PluginError).code).toBe('E_ORDER');
    expect((err as PluginError).message).toMatch(/cycle: (a → b → a|b → a → b)/);
    expect((err as PluginError).message).toContain('has before: "b"');
    expect((err as PluginError).message).toContain('has before: "a"');
    expect(hooks.describe('h').map((h) => h.pluginId)).toStrictEqual(['a']);
    expect(await run(hooks)).toStrictEqual(['a']);
  });

  it('a three-plugin cycle through mixed before/after is named in full', () => {
    const hooks = new HookManager();
    hooks.register('h', tag('a'), { pluginId: 'a', before: 'b' });
    hooks.register('h', tag('b'), { pluginId: 'b', before: 'c' });
    // Constraints belong to handlers: a second handler of "a" that runs after "c" is no cycle.
    expect(() => hooks.register('h', tag('a2'), { pluginId: 'a', after: 'c' })).not.toThrow();
    expect(hooks.describe('h').map((h) => h.pluginId)).toStrictEqual(['a', 'b', 'a']);
    const err = (() => {
      try {
        hooks.register('h', tag('c'), { pluginId: 'c', after: 'a' });
      } catch (e) {
        return e as PluginError;
      }
      return undefined;
    })();
    expect(err?.code).toBe('E_ORDER');
    // c must follow every handler of a, a (first handler) must precede b, b must precede c... and a2 follows c.
    expect(err?.message).toMatch(/cycle: /);
    expect(err?.message).toContain('c has after: "a"');
    expect(hooks.describe('h')).toHaveLength(3);
  });

  it('c before a closes a → b → c → a', () => {
    const hooks = new HookManager();
    hooks.register('h', tag('a'), { pluginId: 'a', before: 'b' });
    hooks.register('h', tag('b'), { pluginId: 'b', before: 'c' });
    expect(() => hooks.register('h', tag('c'), { pluginId: 'c', before: 'a' })).toThrow(/cycle: (a → b → c → a|b → c → a → b|c → a → b → c) \(.*has before.*has before.*has before.*\)/);
  });

  it('a later plugin can close a cycle (both constraints consistent alone)', () => {
    const hooks = new HookManager();
    hooks.register('h', tag('a'), { pluginId: 'a', after: 'c' });
    hooks.register('h', tag('b'), { pluginId: 'b', after: 'a' });
    expect(() => hooks.register('h', tag('c'), { pluginId: 'c', after: 'b' })).toThrow(expect.objectContaining({ code: 'E_ORDER' }));
  });

  it('ordering a handler relative to its own plugin is E_ORDER', () => {
    const hooks = new HookManager();
    expect(() => hooks.register('h', tag('a'), { pluginId: 'a', after: 'a' })).toThrow(expect.objectContaining({ code: 'E_ORDER' }));
    expect(hooks.names()).toStrictEqual([]);
  });

  it('rejects malformed constraints with E_INVALID_ARGUMENT', () => {
    const hooks = new HookManager();
    expect(() => hooks.register('h', tag('a'), { before: [''] })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => hooks.register('h', tag('a'), { after: 5 as never })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });

  it('constraints are per hook: the same pair in opposite order on two hooks is fine', () => {
    const hooks = new HookManager();
    hooks.register('h1', tag('a'), { pluginId: 'a', before: 'b' });
    hooks.register('h1', tag('b'), { pluginId: 'b' });
    hooks.register('h2', tag('b'), { pluginId: 'b', before: 'a' });
    expect(() => hooks.register('h2', tag('a'), { pluginId: 'a' })).not.toThrow();
  });
});

describe('describe', () => {
  it('lists handlers in run order with plugin, priority, kind and constraints', () => {
    const hooks = new HookManager();
    hooks.register('auth_check', () => undefined, { pluginId: 'sso', priority: 5, after: 'ratelimit' });
    hooks.register('auth_check', () => undefined, { pluginId: 'ratelimit', priority: 50 });
    expect(hooks.describe('auth_check').map(({ order: _order, ...rest }) => rest)).toStrictEqual([
      { hook: 'auth_check', pluginId: 'ratelimit', priority: 50, kind: 'guard', before: [], after: [] },
      { hook: 'auth_check', pluginId: 'sso', priority: 5, kind: 'guard', before: [], after: ['ratelimit'] },
    ]);
  });
});
