import { describe, it, expect, vi } from 'vitest';
import { DEFAULT_PRIORITY, HookManager, type HookContext } from '../../src/hooks/hook-manager.ts';
import { GuestError, PluginError } from '../../src/errors.ts';

/** A handler that appends its tag to a string array. */
const tag = (name: string) => (data: string[]) => [...data, name];

describe('HookManager: ordering', () => {
  it('runs handlers lower priority first, regardless of registration order', async () => {
    const hooks = new HookManager();
    hooks.register('h', tag('p50'), { priority: 50 });
    hooks.register('h', tag('p-5'), { priority: -5 });
    hooks.register('h', tag('default'));
    hooks.register('h', tag('p10'), { priority: 10 });
    hooks.register('h', tag('p200'), { priority: 200 });
    hooks.register('h', tag('p0.5'), { priority: 0.5 });
    expect(await hooks.execute('h', [] as string[])).toStrictEqual(['p-5', 'p0.5', 'p10', 'p50', 'default', 'p200']);
  });

  it('the default priority is 100', async () => {
    expect(DEFAULT_PRIORITY).toBe(100);
    const hooks = new HookManager();
    hooks.register('h', tag('default'));
    hooks.register('h', tag('p101'), { priority: 101 });
    hooks.register('h', tag('p99'), { priority: 99 });
    expect(await hooks.execute('h', [] as string[])).toStrictEqual(['p99', 'default', 'p101']);
    expect(hooks.describe('h').map((h) => h.priority)).toStrictEqual([99, 100, 101]);
  });

  it('keeps registration order among equal priorities', async () => {
    const hooks = new HookManager();
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l']) hooks.register('x', tag(name), { priority: 5 });
    hooks.register('x', tag('first'), { priority: 1 });
    hooks.register('x', tag('m'), { priority: 5 });
    expect(await hooks.execute('x', [] as string[])).toStrictEqual(['first', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm']);
  });

  it('describe lists handlers in run order with hook, pluginId, priority and order', () => {
    const hooks = new HookManager();
    hooks.register('x', () => {}, { priority: 20, pluginId: 'b' });
    hooks.register('x', () => {}, { priority: 10, pluginId: 'a' });
    hooks.register('x', () => {}, { priority: 20 });
    hooks.register('other', () => {});
    const list = hooks.describe('x');
    expect(list.map(({ hook, pluginId, priority }) => ({ hook, pluginId, priority }))).toStrictEqual([
      { hook: 'x', pluginId: 'a', priority: 10 },
      { hook: 'x', pluginId: 'b', priority: 20 },
      { hook: 'x', pluginId: undefined, priority: 20 },
    ]);
    // order is the registration sequence: increasing in registration order.
    const [a, b, host] = list;
    expect(b!.order).toBeLessThan(a!.order);
    expect(a!.order).toBeLessThan(host!.order);
    expect(hooks.describe('missing')).toStrictEqual([]);
  });

  it('describe returns copies that do not expose the handler', () => {
    const hooks = new HookManager();
    hooks.register('x', tag('a'), { priority: 1 });
    const info = hooks.describe('x')[0] as unknown as Record<string, unknown>;
    expect('handler' in info).toBe(false);
    info['priority'] = 999;
    expect(hooks.describe('x')[0]?.priority).toBe(1);
  });

  it('names() is sorted and has() reflects registrations', () => {
    const hooks = new HookManager();
    expect(hooks.names()).toStrictEqual([]);
    const off = hooks.register('zeta', () => {});
    hooks.register('alpha', () => {});
    expect(hooks.names()).toStrictEqual(['alpha', 'zeta']);
    expect(hooks.has('zeta')).toBe(true);
    off();
    expect(hooks.has('zeta')).toBe(false);
    expect(hooks.names()).toStrictEqual(['alpha']);
  });
});

describe('HookManager.execute: data flow', () => {
  it('returns the data unchanged when no handler is registered', async () => {
    const data = { a: 1 };
    expect(await new HookManager().execute('none', data)).toBe(data);
  });

  it('each handler receives the previous result', async () => {
    const hooks = new HookManager();
    const seen: unknown[] = [];
    hooks.register(
      'n',
      (n: number) => {
        seen.push(n);
        return n + 1;
      },
      { priority: 1 },
    );
    hooks.register(
      'n',
      (n: number) => {
        seen.push(n);
        return n * 10;
      },
      { priority: 2 },
    );
    hooks.register(
      'n',
      (n: number) => {
        seen.push(n);
        return n - 3;
      },
      { priority: 3 },
    );
    expect(await hooks.execute('n', 4)).toBe(47);
    expect(seen).toStrictEqual([4, 5, 50]);
  });

  it('a handler returning undefined leaves the data unchanged (same reference)', async () => {
    const hooks = new HookManager();
    const data = { v: 1 };
    const seen: unknown[] = [];
    hooks.register('h', (d: unknown) => {
      seen.push(d);
    });
    hooks.register('h', async (d: unknown) => {
      seen.push(d);
      return undefined;
    });
    hooks.register('h', (d: unknown) => {
      seen.push(d);
    });
    expect(await hooks.execute('h', data)).toBe(data);
    expect(seen).toStrictEqual([data, data, data]);
    expect(seen[2]).toBe(data);
  });

  it('null, 0, "" and false are results, not "unchanged"', async () => {
    for (const value of [null, 0, '', false]) {
      const hooks = new HookManager();
      hooks.register('h', () => value);
      const next = vi.fn();
      hooks.register('h', next);
      expect(await hooks.execute('h', 'original')).toBe(value);
      expect(next.mock.calls[0]?.[0]).toBe(value);
    }
  });

  it('awaits async handlers in sequence (never overlapping)', async () => {
    const hooks = new HookManager();
    let running = 0;
    let maxRunning = 0;
    for (const [i, delay] of [
      [1, 3],
      [2, 0],
      [3, 1],
    ] as const) {
      hooks.register(
        'h',
        async (data: number[]) => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await new Promise((r) => setTimeout(r, delay));
          running--;
          return [...data, i];
        },
        { priority: i },
      );
    }
    expect(await hooks.execute('h', [] as number[])).toStrictEqual([1, 2, 3]);
    expect(maxRunning).toBe(1);
  });

  it("passes the hook name and the handler's pluginId in the context", async () => {
    const hooks = new HookManager();
    const contexts: HookContext[] = [];
    hooks.register('ctx', (_d: unknown, c: HookContext) => void contexts.push(c), { pluginId: 'seo', priority: 1 });
    hooks.register('ctx', (_d: unknown, c: HookContext) => void contexts.push(c), { priority: 2 });
    await hooks.execute('ctx', null);
    // The context also carries the hook's kind and the call's AbortSignal (added with hook kinds).
    expect(contexts.map(({ hook, pluginId, kind }) => ({ hook, pluginId, kind }))).toStrictEqual([
      { hook: 'ctx', pluginId: 'seo', kind: 'filter' },
      { hook: 'ctx', pluginId: undefined, kind: 'filter' },
    ]);
    for (const c of contexts) {
      expect(c.signal).toBeInstanceOf(AbortSignal);
      expect(c.signal.aborted).toBe(false);
    }
  });

  it('keeps hooks separate', async () => {
    const hooks = new HookManager();
    hooks.register('a', tag('a'));
    hooks.register('b', tag('b'));
    expect(await hooks.execute('a', [] as string[])).toStrictEqual(['a']);
    expect(await hooks.execute('b', [] as string[])).toStrictEqual(['b']);
  });
});

describe('HookManager: unregister', () => {
  it('removes only its own handler and is idempotent', async () => {
    const hooks = new HookManager();
    const handler = tag('x');
    const off1 = hooks.register('h', handler);
    hooks.register('h', handler);
    off1();
    off1();
    expect(await hooks.execute('h', [] as string[])).toStrictEqual(['x']);
    expect(hooks.describe('h')).toHaveLength(1);
  });

  it('an old unregister function does not remove a later registration of the same handler', async () => {
    const hooks = new HookManager();
    const handler = tag('x');
    const off = hooks.register('h', handler);
    off();
    hooks.register('h', handler);
    off();
    expect(await hooks.execute('h', [] as string[])).toStrictEqual(['x']);
  });

  it('a running chain keeps the list it started with; the next run sees the change', async () => {
    const hooks = new HookManager();
    let offLater: () => void = () => {};
    hooks.register(
      'h',
      (d: string[]) => {
        offLater();
        hooks.register('h', tag('added-during-run'), { priority: 0 });
        return [...d, 'first'];
      },
      { priority: 1 },
    );
    offLater = hooks.register('h', tag('later'), { priority: 2 });
    expect(await hooks.execute('h', [] as string[])).toStrictEqual(['first', 'later']);
    // second run: "later" is gone, the handler added during the first run runs first.
    offLater = () => {};
    const second = await hooks.execute('h', [] as string[]);
    expect(second[0]).toBe('added-during-run');
    expect(second).not.toContain('later');
  });

  it('a chain awaiting an async handler is not affected by unregistering a later handler meanwhile', async () => {
    const hooks = new HookManager();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    hooks.register(
      'h',
      async (d: string[]) => {
        await gate;
        return [...d, 'slow'];
      },
      { priority: 1 },
    );
    const off = hooks.register('h', tag('after'), { priority: 2 });
    const running = hooks.execute('h', [] as string[]);
    off();
    release();
    expect(await running).toStrictEqual(['slow', 'after']);
    expect(await hooks.execute('h', [] as string[])).toStrictEqual(['slow']);
  });
});

describe('HookManager: failing handlers', () => {
  it('skip policy (default): the failing handler is skipped, data unchanged, error reported as E_GUEST with pluginId', async () => {
    const onHandlerError = vi.fn();
    const hooks = new HookManager({ onHandlerError });
    const original = new Error('kaboom');
    hooks.register('h', tag('before'), { priority: 1 });
    hooks.register(
      'h',
      () => {
        throw original;
      },
      { priority: 2, pluginId: 'bad' },
    );
    hooks.register('h', tag('after'), { priority: 3 });
    expect(await hooks.execute('h', [] as string[])).toStrictEqual(['before', 'after']);
    expect(onHandlerError).toHaveBeenCalledTimes(1);
    const [error, hook] = onHandlerError.mock.calls[0] as [PluginError, string];
    expect(hook).toBe('h');
    expect(error).toBeInstanceOf(PluginError);
    expect(error).toBeInstanceOf(GuestError);
    expect(error.code).toBe('E_GUEST');
    expect(error.pluginId).toBe('bad');
    expect(error.cause).toBe(original);
    expect(error.message).toContain('kaboom');
    expect(error.message).toContain('"h"');
  });

  it('skip policy covers async rejections and non-Error throws', async () => {
    const onHandlerError = vi.fn();
    const hooks = new HookManager({ onHandlerError });
    hooks.register(
      'h',
      async () => {
        throw 'plain string';
      },
      { pluginId: 'p1', priority: 1 },
    );
    hooks.register('h', () => Promise.reject({ reason: 42 }), { priority: 2 });
    hooks.register('h', (n: number) => n + 1, { priority: 3 });
    expect(await hooks.execute('h', 1)).toBe(2);
    expect(onHandlerError).toHaveBeenCalledTimes(2);
    const first = onHandlerError.mock.calls[0]?.[0] as PluginError;
    const second = onHandlerError.mock.calls[1]?.[0] as PluginError;
    expect(first.code).toBe('E_GUEST');
    expect(first.pluginId).toBe('p1');
    expect(first.message).toContain('plain string');
    expect(second.code).toBe('E_GUEST');
    expect(second.pluginId).toBeUndefined();
    expect(second.message).toContain('42');
  });

  it("a failing handler's partial work does not leak: the next handler gets the previous good value", async () => {
    const hooks = new HookManager();
    const seen = vi.fn((d: { n: number }) => d);
    const data = { n: 1 };
    hooks.register(
      'h',
      () => {
        throw new Error('x');
      },
      { priority: 1 },
    );
    hooks.register('h', seen, { priority: 2 });
    await hooks.execute('h', data);
    expect(seen.mock.calls[0]?.[0]).toBe(data);
  });

  it('a PluginError thrown by a handler is passed on as is', async () => {
    const onHandlerError = vi.fn();
    const hooks = new HookManager({ onHandlerError });
    const fuel = new GuestError('E_FUEL', 'out of fuel', { pluginId: 'hog' });
    hooks.register(
      'h',
      () => {
        throw fuel;
      },
      { pluginId: 'hog' },
    );
    await hooks.execute('h', 1);
    expect(onHandlerError.mock.calls[0]?.[0]).toBe(fuel);
  });

  it('fail policy rejects with the wrapped error and stops the chain', async () => {
    const onHandlerError = vi.fn();
    const hooks = new HookManager({ onHandlerError });
    const later = vi.fn();
    hooks.register(
      'h',
      () => {
        throw new Error('stop');
      },
      { pluginId: 'p', priority: 1 },
    );
    hooks.register('h', later, { priority: 2 });
    const err = await hooks.execute('h', 1, { errorPolicy: 'fail' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PluginError);
    expect((err as PluginError).code).toBe('E_GUEST');
    expect((err as PluginError).pluginId).toBe('p');
    expect(later).not.toHaveBeenCalled();
    expect(onHandlerError).not.toHaveBeenCalled();
  });

  it('the policy applies per call', async () => {
    const hooks = new HookManager();
    hooks.register('h', () => {
      throw new Error('x');
    });
    await expect(hooks.execute('h', 1, { errorPolicy: 'fail' })).rejects.toThrow(PluginError);
    await expect(hooks.execute('h', 1)).resolves.toBe(1);
    await expect(hooks.execute('h', 1, { errorPolicy: 'skip' })).resolves.toBe(1);
  });
});

describe('HookManager: plugins', () => {
  it("isPluginEnabled false skips that plugin's handlers only (host handlers always run)", async () => {
    const disabled = new Set(['off']);
    const isPluginEnabled = vi.fn((id: string) => !disabled.has(id));
    const hooks = new HookManager({ isPluginEnabled });
    hooks.register('h', tag('on'), { pluginId: 'on', priority: 1 });
    hooks.register('h', tag('off'), { pluginId: 'off', priority: 2 });
    hooks.register('h', tag('host'), { priority: 3 });
    expect(await hooks.execute('h', [] as string[])).toStrictEqual(['on', 'host']);
    expect(isPluginEnabled).toHaveBeenCalledWith('off');
    expect(isPluginEnabled).toHaveBeenCalledWith('on');
    disabled.clear();
    expect(await hooks.execute('h', [] as string[])).toStrictEqual(['on', 'off', 'host']);
  });

  it('isPluginEnabled is consulted when each handler is reached', async () => {
    const disabled = new Set<string>();
    const hooks = new HookManager({ isPluginEnabled: (id) => !disabled.has(id) });
    hooks.register(
      'h',
      (d: string[]) => {
        disabled.add('b');
        return [...d, 'a'];
      },
      { pluginId: 'a', priority: 1 },
    );
    hooks.register('h', tag('b'), { pluginId: 'b', priority: 2 });
    expect(await hooks.execute('h', [] as string[])).toStrictEqual(['a']);
  });

  it('removePlugin removes every handler of that plugin on every hook', async () => {
    const hooks = new HookManager();
    hooks.register('h1', tag('seo'), { pluginId: 'seo' });
    hooks.register('h1', tag('other'), { pluginId: 'other' });
    hooks.register('h2', tag('seo'), { pluginId: 'seo' });
    hooks.register('h2', tag('seo2'), { pluginId: 'seo' });
    hooks.register('h1', tag('host'));
    hooks.removePlugin('seo');
    expect(await hooks.execute('h1', [] as string[])).toStrictEqual(['other', 'host']);
    expect(await hooks.execute('h2', [] as string[])).toStrictEqual([]);
    expect(hooks.has('h2')).toBe(false);
    expect(hooks.names()).toStrictEqual(['h1']);
    expect(() => hooks.removePlugin('unknown')).not.toThrow();
  });

  it('an unregister function of a removed plugin handler is harmless', async () => {
    const hooks = new HookManager();
    const off = hooks.register('h', tag('seo'), { pluginId: 'seo' });
    hooks.register('h', tag('host'));
    hooks.removePlugin('seo');
    off();
    expect(await hooks.execute('h', [] as string[])).toStrictEqual(['host']);
  });
});

describe('HookManager: closed manager and invalid arguments', () => {
  it('assertOpen throwing blocks register and execute', async () => {
    let open = true;
    const closed = new PluginError('E_CLOSED', 'closed');
    const hooks = new HookManager({
      assertOpen: () => {
        if (!open) throw closed;
      },
    });
    const handler = vi.fn();
    hooks.register('h', handler);
    open = false;
    expect(() => hooks.register('h', handler)).toThrow(closed);
    await expect(hooks.execute('h', 1)).rejects.toBe(closed);
    expect(handler).not.toHaveBeenCalled();
    open = true;
    expect(hooks.describe('h')).toHaveLength(1);
  });

  it.each([
    ['an empty hook name', '', () => {}, {}],
    ['a non-string hook name', 42, () => {}, {}],
    ['a non-function handler', 'h', 'not a function', {}],
    ['a missing handler', 'h', undefined, {}],
    ['NaN priority', 'h', () => {}, { priority: Number.NaN }],
    ['Infinity priority', 'h', () => {}, { priority: Number.POSITIVE_INFINITY }],
  ])('register rejects %s with E_INVALID_ARGUMENT and registers nothing', (_label, hook, handler, options) => {
    const hooks = new HookManager();
    expect(() => hooks.register(hook as never, handler as never, options as never)).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(hooks.names()).toStrictEqual([]);
  });
});
