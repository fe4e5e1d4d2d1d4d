/**
 * Every hook kind with WASM and JS plugins in one manager: guards deny (fail-closed), `first`
 * stops at the first answer, `collect` merges findings with plugin ids, `action` runs everyone.
 */
import { describe, expect, it } from 'vitest';
import { Hooks, PluginManager } from '@reedcms/plugins';
import { buildWatPlugin, constantOutputWat, manifestToml, trappingWat } from '../support/wat-plugins.ts';
import { captureLogger } from '../support/capture-logger.ts';

async function wasmAnswering(id: string, hook: string, output: string, extra = ''): Promise<{ manifest: string; wasm: Uint8Array }> {
  return { manifest: manifestToml(id, [`Hook = "${hook}"`], extra), wasm: await buildWatPlugin(constantOutputWat(`hook_${hook}`, output)) };
}

describe('hook kinds with WASM plugins', () => {
  it('guard: a WASM deny wins over a JS allow, names the plugin and reason; a trapping guard denies', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({
      plugin: {
        metadata: { id: 'js-allow', name: 'JS allow', version: '1.0.0', priority: 1 },
        initialize: (ctx) => void ctx.hooks.register(Hooks.AUTH_CHECK, () => ({ allow: true }), { priority: 1 }),
      },
    });
    await expect(manager.hooks.execute(Hooks.AUTH_CHECK, { user: 'ada' })).resolves.toEqual({ allowed: true });
    await manager.load(await wasmAnswering('banlist', 'auth_check', '{"allow":false,"reason":"banned"}', 'priority = 50'));
    await expect(manager.hooks.execute(Hooks.AUTH_CHECK, { user: 'ada' })).resolves.toMatchObject({ allowed: false, reason: 'banned', pluginId: 'banlist' });
    await manager.unload('banlist');
    await manager.load({ manifest: manifestToml('broken-guard', ['Hook = "auth_check"']), wasm: await buildWatPlugin(trappingWat('hook_auth_check')) });
    const verdict = await manager.hooks.execute(Hooks.AUTH_CHECK, { user: 'ada' });
    expect(verdict).toMatchObject({ allowed: false, pluginId: 'broken-guard', error: expect.objectContaining({ code: 'E_TRAP' }) });
    await manager.shutdown();
  });

  it('guard: empty output abstains; a WASM guard answering a bare boolean is an error, and errors deny', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({ manifest: manifestToml('abstainer', ['Hook = "before_delete"']), wasm: await buildWatPlugin(constantOutputWat('hook_before_delete', '')) });
    await expect(manager.hooks.execute(Hooks.BEFORE_DELETE, { id: 1 })).resolves.toEqual({ allowed: true });
    await manager.load(await wasmAnswering('sloppy', 'before_delete', 'true'));
    await expect(manager.hooks.execute(Hooks.BEFORE_DELETE, { id: 1 })).resolves.toMatchObject({ allowed: false, pluginId: 'sloppy', error: expect.objectContaining({ code: 'E_OUTPUT' }) });
    await manager.shutdown();
  });

  it('first: the first non-null answer wins and later plugins are not called', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load(await wasmAnswering('no-answer', 'route_match', 'null', 'priority = 1'));
    await manager.load(await wasmAnswering('blog', 'route_match', '{"handler":"blog","params":{"slug":"x"}}', 'priority = 2'));
    await manager.load(await wasmAnswering('shop', 'route_match', '{"handler":"shop"}', 'priority = 3'));
    await expect(manager.hooks.execute(Hooks.ROUTE_MATCH, { path: '/blog/x' })).resolves.toEqual({ handler: 'blog', params: { slug: 'x' } });
    expect(manager.stats('shop').calls).toBe(0);
    expect(manager.stats('no-answer').calls).toBe(1);
    await manager.shutdown();
  });

  it('collect: every plugin runs and findings are merged with their plugin ids', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load(await wasmAnswering('titles', 'validate_data', '[{"path":"title","message":"is required"}]'));
    await manager.load(await wasmAnswering('bodies', 'validate_data', '{"errors":[{"path":"body","message":"too short"}]}'));
    await manager.load(await wasmAnswering('happy', 'validate_data', '[]'));
    const result = await manager.hooks.execute(Hooks.VALIDATE_DATA, { title: '', body: 'x' });
    expect(result.valid).toBe(false);
    expect([...result.errors].sort((a, b) => String(a.pluginId).localeCompare(String(b.pluginId)))).toEqual([
      { pluginId: 'bodies', path: 'body', message: 'too short' },
      { pluginId: 'titles', path: 'title', message: 'is required' },
    ]);
    await manager.shutdown();
  });

  it('action: every plugin runs, results are ignored, a failing one is isolated', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    const seen: string[] = [];
    await manager.load({ manifest: manifestToml('echoing', ['Hook = "after_save"']), wasm: await buildWatPlugin(constantOutputWat('hook_after_save', '{"ignored":true}')) });
    await manager.load({ manifest: manifestToml('crashing', ['Hook = "after_save"']), wasm: await buildWatPlugin(trappingWat('hook_after_save')) });
    await manager.load({
      plugin: { metadata: { id: 'js-audit', name: 'Audit', version: '1.0.0' }, initialize: (ctx) => void ctx.hooks.register(Hooks.AFTER_SAVE, (doc: { id: string }) => void seen.push(doc.id)) },
    });
    await expect(manager.hooks.execute(Hooks.AFTER_SAVE, { id: 'doc-1' })).resolves.toBeUndefined();
    expect(seen).toEqual(['doc-1']);
    expect(manager.stats('echoing').calls).toBe(1);
    expect(manager.stats('crashing').faults).toBe(1);
    await manager.shutdown();
  });
});

describe('plugins defining hooks of their own', () => {
  it('a WASM plugin declares { Hook, kind } and the hook runs with that kind; a clash fails the load', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({
      manifest: manifestToml('linter', ['Hook = "seo_lint", kind = "collect"']),
      wasm: await buildWatPlugin(constantOutputWat('hook_seo_lint', '[{"path":"title","message":"too long"}]')),
    });
    expect(manager.hooks.definition('seo_lint')).toMatchObject({ kind: 'collect', origin: 'defined' });
    await expect(manager.hooks.execute('seo_lint', { title: 'x' })).resolves.toEqual({ valid: false, errors: [{ pluginId: 'linter', path: 'title', message: 'too long' }] });
    const clash = manager.load({
      manifest: manifestToml('other-linter', ['Hook = "seo_lint", kind = "guard"']),
      wasm: await buildWatPlugin(constantOutputWat('hook_seo_lint', 'null')),
    });
    await expect(clash).rejects.toMatchObject({ code: 'E_HOOK_DEFINITION', pluginId: 'other-linter' });
    await expect(manager.load({ manifest: manifestToml('bad-kind', ['Hook = "x", kind = "sometimes"']), wasm: await buildWatPlugin(constantOutputWat('hook_x', 'null')) })).rejects.toMatchObject({
      code: 'E_MANIFEST',
      message: expect.stringContaining('kind must be one of filter, guard, first, collect, action'),
    });
    await manager.shutdown();
  });

  it('a JS plugin defines a hook through its context', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({
      plugin: {
        metadata: { id: 'gatekeeper', name: 'Gatekeeper', version: '1.0.0' },
        initialize(ctx) {
          ctx.hooks.define('publish_check', { kind: 'guard' });
          ctx.hooks.register('publish_check', (doc: { draft: boolean }) => (doc.draft ? { allow: false, reason: 'drafts stay private' } : null));
        },
      },
    });
    await expect(manager.hooks.execute('publish_check', { draft: true })).resolves.toMatchObject({ allowed: false, reason: 'drafts stay private', pluginId: 'gatekeeper' });
    await expect(manager.hooks.execute('publish_check', { draft: false })).resolves.toEqual({ allowed: true });
    await manager.shutdown();
  });
});
