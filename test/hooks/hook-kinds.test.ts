import { describe, it, expect, vi } from 'vitest';
import { HookManager } from '../../src/hooks/hook-manager.ts';
import { Hooks } from '../../src/hooks/hook-names.ts';
import { PluginError } from '../../src/errors.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('predefined hooks', () => {
  it('come defined with their kinds and policies', () => {
    const hooks = new HookManager();
    const kinds = Object.fromEntries(Object.values(Hooks).map((name) => [name, hooks.definition(name)?.kind]));
    expect(kinds).toStrictEqual({
      before_render: 'filter',
      after_render: 'filter',
      before_save: 'filter',
      transform_data: 'filter',
      auth_check: 'guard',
      before_delete: 'guard',
      route_match: 'first',
      validate_data: 'collect',
      after_save: 'action',
      after_delete: 'action',
    });
    expect(hooks.definition('auth_check')).toMatchObject({ errorPolicy: 'deny', origin: 'builtin' });
    expect(hooks.definition('after_save')).toMatchObject({ errorPolicy: 'skip', origin: 'builtin' });
    // Defined is not registered: names() still lists only hooks with handlers.
    expect(hooks.names()).toStrictEqual([]);
  });

  it('redefining a predefined hook identically is a no-op; differently is E_HOOK_DEFINITION', () => {
    const hooks = new HookManager();
    expect(hooks.define('after_render', { kind: 'filter' })).toMatchObject({ kind: 'filter', errorPolicy: 'skip' });
    // @ts-expect-error: the predefined kind of auth_check is guard, and the types know it
    const err = catching(() => hooks.define('auth_check', { kind: 'filter' }));
    expect(err).toBeInstanceOf(PluginError);
    expect((err as PluginError).code).toBe('E_HOOK_DEFINITION');
    expect((err as PluginError).message).toMatch(/"auth_check" is predefined as guard/);
    expect(() => hooks.define('after_save', { kind: 'action', errorPolicy: 'fail' })).toThrow(/predefined/);
  });
});

describe('define', () => {
  it('defines custom hooks; the same definition twice is fine, a different one throws', () => {
    const hooks = new HookManager();
    expect(hooks.define('seo_lint', { kind: 'collect', description: 'lint' })).toStrictEqual({ kind: 'collect', errorPolicy: 'skip', description: 'lint' });
    expect(() => hooks.define('seo_lint', { kind: 'collect', description: 'other words' })).not.toThrow();
    expect(() => hooks.define('seo_lint', { kind: 'action' })).toThrow(expect.objectContaining({ code: 'E_HOOK_DEFINITION' }));
    expect(hooks.definition('seo_lint')).toMatchObject({ kind: 'collect', origin: 'defined' });
  });

  it('guards default to deny and refuse skip; only guards may deny', () => {
    const hooks = new HookManager();
    expect(hooks.define('g', { kind: 'guard' }).errorPolicy).toBe('deny');
    expect(() => hooks.define('g2', { kind: 'guard', errorPolicy: 'skip' })).toThrow(expect.objectContaining({ code: 'E_HOOK_DEFINITION' }));
    expect(() => hooks.define('f', { kind: 'filter', errorPolicy: 'deny' })).toThrow(expect.objectContaining({ code: 'E_HOOK_DEFINITION' }));
  });

  it('rejects bad kinds and names with E_INVALID_ARGUMENT', () => {
    const hooks = new HookManager();
    expect(() => hooks.define('x', { kind: 'waterfall' as never })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => hooks.define('', { kind: 'filter' })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });

  it('an implicit definition (made by register) can be replaced by define', async () => {
    const hooks = new HookManager();
    hooks.register('custom', () => ({ allow: false, reason: 'no' }));
    expect(hooks.definition('custom')).toMatchObject({ kind: 'filter', origin: 'implicit' });
    hooks.define('custom', { kind: 'guard' });
    expect(await hooks.execute('custom', {})).toMatchObject({ allowed: false, reason: 'no' });
  });

  it('a call right after a redefinition runs under the new kind (nothing of the old one is reused)', async () => {
    const hooks = new HookManager();
    hooks.register('custom', () => ({ allow: false, reason: 'no' }));
    // Executed as an implicit filter first: its result is the handler's output.
    expect(await hooks.execute('custom', {})).toEqual({ allow: false, reason: 'no' });
    hooks.define('custom', { kind: 'guard', errorPolicy: 'fail' });
    expect(await hooks.execute('custom', {})).toMatchObject({ allowed: false, reason: 'no' });
  });

  it('a call right after a change of error policy alone runs under the new policy', async () => {
    const hooks = new HookManager();
    hooks.register('custom', () => {
      throw new Error('broken');
    });
    // Implicit filters skip failing handlers.
    expect(await hooks.execute('custom', 1)).toBe(1);
    hooks.define('custom', { kind: 'filter', errorPolicy: 'fail' });
    await expect(hooks.execute('custom', 1)).rejects.toThrow('broken');
  });

  it('a hook whose last handler went away and came back runs as it is defined now', async () => {
    const hooks = new HookManager();
    const off = hooks.register('custom', (n: number) => n + 1);
    expect(await hooks.execute('custom', 1)).toBe(2);
    off();
    expect(await hooks.execute('custom', 1)).toBe(1);
    hooks.define('custom', { kind: 'first' });
    hooks.register('custom', () => null);
    hooks.register('custom', () => 'second');
    expect(await hooks.execute('custom', 1)).toBe('second');
  });
});

describe('unknown hook names', () => {
  it('default: executing a never-registered name returns the data; registering defines it as a filter', async () => {
    const hooks = new HookManager();
    expect(await hooks.execute('nobody', 5)).toBe(5);
    expect(hooks.definition('nobody')).toBeUndefined();
    const off = hooks.register('mine', (n: number) => n + 1);
    expect(hooks.describe('mine')[0]?.kind).toBe('filter');
    off();
    // the implicit definition goes with its last handler
    expect(hooks.definition('mine')).toBeUndefined();
  });

  it('strictHooks: register and execute of an undefined name throw E_UNKNOWN_HOOK', async () => {
    const hooks = new HookManager({ strictHooks: true });
    expect(() => hooks.register('typo_hook', () => {})).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_HOOK' }));
    await expect(hooks.execute('typo_hook', 1)).rejects.toMatchObject({ code: 'E_UNKNOWN_HOOK', message: expect.stringContaining('hooks.define') });
    expect(hooks.names()).toStrictEqual([]);
    hooks.define('typo_hook', { kind: 'filter' });
    hooks.register('typo_hook', (n: number) => n * 2);
    expect(await hooks.execute('typo_hook', 2)).toBe(4);
    // predefined hooks are always known
    await expect(hooks.execute('before_render', 'x')).resolves.toBe('x');
  });
});

describe('guard', () => {
  it('allows when nobody objects (abstain = null or undefined)', async () => {
    const hooks = new HookManager();
    expect(await hooks.execute('auth_check', {})).toStrictEqual({ allowed: true });
    hooks.register('auth_check', () => undefined);
    hooks.register('auth_check', () => null);
    hooks.register('auth_check', async () => ({ allow: true }));
    expect(await hooks.execute('auth_check', {})).toStrictEqual({ allowed: true });
  });

  it('the first deny short-circuits and names its plugin and reason', async () => {
    const hooks = new HookManager();
    const later = vi.fn();
    hooks.register('auth_check', () => ({ allow: true }), { pluginId: 'a', priority: 1 });
    hooks.register('auth_check', (req: { user?: string }) => (req.user ? undefined : { allow: false, reason: 'login required' }), { pluginId: 'auth', priority: 2 });
    hooks.register('auth_check', later, { pluginId: 'z', priority: 3 });
    expect(await hooks.execute('auth_check', {})).toStrictEqual({ allowed: false, reason: 'login required', pluginId: 'auth' });
    expect(later).not.toHaveBeenCalled();
    expect(await hooks.execute('auth_check', { user: 'ann' })).toStrictEqual({ allowed: true });
  });

  it('a deny without reason says "denied"', async () => {
    const hooks = new HookManager();
    hooks.register('before_delete', () => ({ allow: false }), { pluginId: 'p' });
    expect(await hooks.execute('before_delete', {})).toStrictEqual({ allowed: false, reason: 'denied', pluginId: 'p' });
  });

  it('fails closed: a throwing handler denies, is reported, and later handlers do not run', async () => {
    const onHandlerError = vi.fn();
    const hooks = new HookManager({ onHandlerError });
    const later = vi.fn(() => ({ allow: true as const }));
    hooks.register(
      'auth_check',
      () => {
        throw new Error('db down');
      },
      { pluginId: 'auth', priority: 1 },
    );
    hooks.register('auth_check', later, { priority: 2 });
    const verdict = await hooks.execute('auth_check', {});
    expect(verdict.allowed).toBe(false);
    if (verdict.allowed) return;
    expect(verdict.pluginId).toBe('auth');
    expect(verdict.reason).toMatch(/db down/);
    expect(verdict.error?.code).toBe('E_GUEST');
    expect(onHandlerError).toHaveBeenCalledTimes(1);
    expect(later).not.toHaveBeenCalled();
  });

  it.each([
    ['a bare true', true],
    ['a bare false', false],
    ['a string', 'allow'],
    ['allow as a string', { allow: 'yes' }],
    ['a non-string reason', { allow: false, reason: 42 }],
    ['an array', [{ allow: true }]],
    ['an empty object', {}],
  ])('wrong shape (%s) is E_OUTPUT and denies', async (_label, output) => {
    const onHandlerError = vi.fn();
    const hooks = new HookManager({ onHandlerError });
    hooks.register('auth_check', () => output as never, { pluginId: 'sloppy' });
    const verdict = await hooks.execute('auth_check', {});
    expect(verdict).toMatchObject({ allowed: false, pluginId: 'sloppy' });
    expect((onHandlerError.mock.calls[0]?.[0] as PluginError).code).toBe('E_OUTPUT');
  });

  it('errorPolicy fail rejects instead; a per-call skip still denies (never fails open)', async () => {
    const hooks = new HookManager();
    hooks.register('auth_check', () => {
      throw new Error('x');
    });
    await expect(hooks.execute('auth_check', {}, { errorPolicy: 'fail' })).rejects.toMatchObject({ code: 'E_GUEST' });
    expect(await hooks.execute('auth_check', {}, { errorPolicy: 'skip' })).toMatchObject({ allowed: false });
  });

  it("a disabled plugin's guard is not consulted", async () => {
    const hooks = new HookManager({ isPluginEnabled: (id) => id !== 'off' });
    hooks.register('auth_check', () => ({ allow: false, reason: 'x' }), { pluginId: 'off' });
    expect(await hooks.execute('auth_check', {})).toStrictEqual({ allowed: true });
  });
});

describe('first', () => {
  it('the first non-null result wins; later handlers do not run', async () => {
    const hooks = new HookManager();
    const later = vi.fn();
    hooks.register('route_match', () => null, { priority: 1 });
    hooks.register('route_match', () => undefined, { priority: 2 });
    hooks.register('route_match', async (req: { path: string }) => (req.path === '/blog' ? { handler: 'blog' } : null), { priority: 3 });
    hooks.register('route_match', later, { priority: 4 });
    expect(await hooks.execute('route_match', { path: '/blog' })).toStrictEqual({ handler: 'blog' });
    expect(later).not.toHaveBeenCalled();
    expect(await hooks.execute('route_match', { path: '/x' })).toBeNull();
    expect(later).toHaveBeenCalledTimes(1);
  });

  it('falsy non-null values win (0, "", false)', async () => {
    for (const value of [0, '', false]) {
      const hooks = new HookManager();
      hooks.register('route_match', () => value);
      hooks.register('route_match', () => 'later');
      expect(await hooks.execute('route_match', {})).toBe(value);
    }
  });

  it('a failing handler is skipped (reported) under skip, and rejects under fail', async () => {
    const onHandlerError = vi.fn();
    const hooks = new HookManager({ onHandlerError });
    hooks.register(
      'route_match',
      () => {
        throw new Error('bad');
      },
      { pluginId: 'p', priority: 1 },
    );
    hooks.register('route_match', () => 'fallback', { priority: 2 });
    expect(await hooks.execute('route_match', {})).toBe('fallback');
    expect(onHandlerError).toHaveBeenCalledTimes(1);
    await expect(hooks.execute('route_match', {}, { errorPolicy: 'fail' })).rejects.toMatchObject({ code: 'E_GUEST', pluginId: 'p' });
  });

  it('no handler resolves null', async () => {
    expect(await new HookManager().execute('route_match', {})).toBeNull();
  });
});

describe('collect', () => {
  it('every handler runs; findings are merged in run order with their plugin', async () => {
    const hooks = new HookManager();
    hooks.register('validate_data', () => [{ path: 'title', message: 'required' }], { pluginId: 'a', priority: 1 });
    hooks.register(
      'validate_data',
      async () => {
        await sleep(2);
        return { errors: [{ path: 'body', message: 'too short' }, { message: 'whole doc' }] };
      },
      { pluginId: 'b', priority: 2 },
    );
    hooks.register('validate_data', () => undefined, { pluginId: 'c', priority: 3 });
    hooks.register('validate_data', () => [], { priority: 4 });
    expect(await hooks.execute('validate_data', {})).toStrictEqual({
      valid: false,
      errors: [
        { pluginId: 'a', path: 'title', message: 'required' },
        { pluginId: 'b', path: 'body', message: 'too short' },
        { pluginId: 'b', path: '', message: 'whole doc' },
      ],
    });
  });

  it('valid when there are no findings (or no handlers)', async () => {
    const hooks = new HookManager();
    expect(await hooks.execute('validate_data', {})).toStrictEqual({ valid: true, errors: [] });
    hooks.register('validate_data', () => null);
    expect(await hooks.execute('validate_data', {})).toStrictEqual({ valid: true, errors: [] });
  });

  it.each([
    ['a string', 'bad'],
    ['an object without errors', { problems: [] }],
    ['a finding without message', [{ path: 'x' }]],
    ['a non-string path', [{ path: 1, message: 'm' }]],
    ['a null finding', [null]],
  ])('wrong shape (%s) is E_OUTPUT: skipped and reported, or rejects under fail', async (_label, output) => {
    const onHandlerError = vi.fn();
    const hooks = new HookManager({ onHandlerError });
    hooks.register('validate_data', () => output as never, { pluginId: 'sloppy' });
    hooks.register('validate_data', () => [{ path: 'p', message: 'ok' }], { pluginId: 'good' });
    expect(await hooks.execute('validate_data', {})).toStrictEqual({ valid: false, errors: [{ pluginId: 'good', path: 'p', message: 'ok' }] });
    expect(onHandlerError.mock.calls[0]?.[0]).toMatchObject({ code: 'E_OUTPUT', pluginId: 'sloppy' });
    await expect(hooks.execute('validate_data', {}, { errorPolicy: 'fail' })).rejects.toMatchObject({ code: 'E_OUTPUT' });
  });

  it('copies only path and message from findings', async () => {
    const hooks = new HookManager();
    hooks.register('validate_data', () => [{ path: 'a', message: 'b', extra: 'smuggled' } as never]);
    const result = await hooks.execute('validate_data', {});
    expect(result.errors[0]).toStrictEqual({ pluginId: undefined, path: 'a', message: 'b' });
  });
});

describe('action', () => {
  it('every handler runs; results are ignored; resolves undefined', async () => {
    const hooks = new HookManager();
    const seen: string[] = [];
    hooks.register('after_save', () => void seen.push('a'), { pluginId: 'a' });
    hooks.register(
      'after_save',
      async () => {
        seen.push('b');
        return 'ignored';
      },
      { pluginId: 'b' },
    );
    expect(await hooks.execute('after_save', { id: 1 })).toBeUndefined();
    expect(seen.sort()).toStrictEqual(['a', 'b']);
  });

  it("runs plugins concurrently but one plugin's handlers in order", async () => {
    const hooks = new HookManager();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`${name}:start`);
      await sleep(ms);
      log.push(`${name}:end`);
    };
    hooks.register('after_save', step('a1', 20), { pluginId: 'a', priority: 1 });
    hooks.register('after_save', step('b1', 5), { pluginId: 'b', priority: 2 });
    hooks.register('after_save', step('a2', 1), { pluginId: 'a', priority: 3 });
    const started = performance.now();
    await hooks.execute('after_save', {});
    const elapsed = performance.now() - started;
    // b ran while a1 was still running; a2 waited for a1.
    expect(log.indexOf('b1:start')).toBeLessThan(log.indexOf('a1:end'));
    expect(log.indexOf('a2:start')).toBeGreaterThan(log.indexOf('a1:end'));
    expect(elapsed).toBeLessThan(200);
  });

  it('failures are isolated: others run; each failure is reported', async () => {
    const onHandlerError = vi.fn();
    const hooks = new HookManager({ onHandlerError });
    const ok = vi.fn();
    hooks.register(
      'after_delete',
      () => {
        throw new Error('one');
      },
      { pluginId: 'x' },
    );
    hooks.register('after_delete', async () => Promise.reject(new Error('two')), { pluginId: 'y' });
    hooks.register('after_delete', ok, { pluginId: 'z' });
    await expect(hooks.execute('after_delete', {})).resolves.toBeUndefined();
    expect(ok).toHaveBeenCalledTimes(1);
    expect(onHandlerError.mock.calls.map((c) => (c[0] as PluginError).pluginId)).toStrictEqual(['x', 'y']);
  });

  it('under fail, every handler still runs, then the first failure rejects', async () => {
    const onHandlerError = vi.fn();
    const hooks = new HookManager({ onHandlerError });
    const ok = vi.fn();
    hooks.register(
      'after_save',
      () => {
        throw new Error('first');
      },
      { pluginId: 'x', priority: 1 },
    );
    hooks.register(
      'after_save',
      () => {
        throw new Error('second');
      },
      { pluginId: 'y', priority: 2 },
    );
    hooks.register('after_save', ok, { pluginId: 'z', priority: 3 });
    await expect(hooks.execute('after_save', {}, { errorPolicy: 'fail' })).rejects.toMatchObject({ pluginId: 'x' });
    expect(ok).toHaveBeenCalledTimes(1);
    expect(onHandlerError.mock.calls.map((c) => (c[0] as PluginError).pluginId)).toStrictEqual(['y']);
  });
});

describe('per-call timeout and AbortSignal', () => {
  it('timeoutMs bounds the whole hook: E_TIMEOUT naming the plugin it waited for, and the handler sees its signal abort', async () => {
    const hooks = new HookManager();
    let seen: AbortSignal | undefined;
    hooks.register('before_render', (d: number) => d + 1, { priority: 1 });
    hooks.register(
      'before_render',
      (_d: number, { signal }) => {
        seen = signal;
        return new Promise<number>(() => {});
      },
      { pluginId: 'slow', priority: 2 },
    );
    const started = performance.now();
    const err = await hooks.execute('before_render', 1, { timeoutMs: 30 }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(err).toBeInstanceOf(PluginError);
    expect(err).toMatchObject({ code: 'E_TIMEOUT', pluginId: 'slow', message: expect.stringMatching(/within 30 ms.*slow/) });
    expect(seen?.aborted).toBe(true);
  });

  it('the timeout applies to every kind (guards fail closed by rejecting)', async () => {
    for (const hook of ['auth_check', 'route_match', 'validate_data', 'after_save'] as const) {
      const hooks = new HookManager();
      hooks.register(hook, () => new Promise<never>(() => {}));
      await expect(hooks.execute(hook, {}, { timeoutMs: 10 })).rejects.toMatchObject({ code: 'E_TIMEOUT' });
    }
  });

  it('an AbortSignal rejects with E_ABORTED carrying the reason, whatever the policy', async () => {
    const hooks = new HookManager();
    hooks.register('transform_data', () => sleep(1_000));
    const controller = new AbortController();
    const running = hooks.execute('transform_data', 1, { signal: controller.signal });
    setTimeout(() => controller.abort('client went away'), 5);
    const err = (await running.catch((e: unknown) => e)) as PluginError;
    expect(err.code).toBe('E_ABORTED');
    expect(err.cause).toBe('client went away');
    expect(err.message).toMatch(/client went away/);
  });

  it('an already-aborted signal rejects before any handler runs', async () => {
    const hooks = new HookManager();
    const handler = vi.fn();
    hooks.register('after_save', handler);
    await expect(hooks.execute('after_save', {}, { signal: AbortSignal.abort(new Error('early')) })).rejects.toMatchObject({ code: 'E_ABORTED' });
    await expect(hooks.execute('nothing_here', {}, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(handler).not.toHaveBeenCalled();
  });

  it('a handler that throws because it saw the abort is not blamed: the call reports the abort', async () => {
    const onHandlerError = vi.fn();
    const hooks = new HookManager({ onHandlerError });
    hooks.register('before_render', (_d: unknown, { signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('cancelled')))));
    const controller = new AbortController();
    const running = hooks.execute('before_render', {}, { signal: controller.signal });
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect(onHandlerError).not.toHaveBeenCalled();
  });

  it('finishing in time leaves no timer and no listener behind', async () => {
    vi.useFakeTimers();
    try {
      const hooks = new HookManager();
      hooks.register('before_render', async (n: number) => n + 1);
      await expect(hooks.execute('before_render', 1, { timeoutMs: 1_000 })).resolves.toBe(2);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects a bad timeoutMs with E_INVALID_ARGUMENT', async () => {
    await expect(new HookManager().execute('before_render', 1, { timeoutMs: -1 })).rejects.toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });
});

describe('filter: sync fast path and wrong shapes', () => {
  it('a chain of sync handlers, then async, then sync, threads the data exactly', async () => {
    const hooks = new HookManager();
    hooks.register('transform_data', (s: string) => `${s}a`, { priority: 1 });
    hooks.register('transform_data', async (s: string) => `${s}b`, { priority: 2 });
    hooks.register('transform_data', (s: string) => `${s}c`, { priority: 3 });
    hooks.register('transform_data', () => undefined, { priority: 4 });
    expect(await hooks.execute('transform_data', '')).toBe('abc');
  });

  it('a sync throw under fail rejects (never throws synchronously out of execute)', async () => {
    const hooks = new HookManager();
    hooks.register('transform_data', () => {
      throw new Error('sync');
    });
    const result = hooks.execute('transform_data', 1, { errorPolicy: 'fail' });
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toMatchObject({ code: 'E_GUEST' });
  });

  it('errorPolicy deny on a non-guard is E_INVALID_ARGUMENT', async () => {
    await expect(new HookManager().execute('before_render', 1, { errorPolicy: 'deny' })).rejects.toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });

  it('a throwing onHandlerError does not break the hook', async () => {
    const hooks = new HookManager({
      onHandlerError: () => {
        throw new Error('sink');
      },
    });
    hooks.register('transform_data', () => {
      throw new Error('x');
    });
    await expect(hooks.execute('transform_data', 1)).resolves.toBe(1);
  });
});

describe('register after close', () => {
  it('E_CLOSED from assertOpen blocks register, define and execute', async () => {
    let open = true;
    const hooks = new HookManager({
      assertOpen: () => {
        if (!open) throw new PluginError('E_CLOSED', 'the manager is shut down');
      },
    });
    open = false;
    expect(() => hooks.register('before_render', () => {})).toThrow(expect.objectContaining({ code: 'E_CLOSED' }));
    expect(() => hooks.define('x', { kind: 'filter' })).toThrow(expect.objectContaining({ code: 'E_CLOSED' }));
    await expect(hooks.execute('before_render', 1)).rejects.toMatchObject({ code: 'E_CLOSED' });
  });
});

function catching(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
