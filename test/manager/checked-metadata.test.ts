/**
 * Sources carrying metadata the Vite plugin checked at build time (src/manifest/checked-metadata.ts):
 * the manager uses it as is, without reading the manifest text again; anything else is read.
 */
import { describe, expect, it } from 'vitest';
import { PluginManager, parseManifest } from '@reedcms/plugins';
import { CHECKED_METADATA } from '../../src/manifest/checked-metadata.ts';
import { buildWatPlugin, echoPluginWat } from '../support/wat-plugins.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const MANIFEST = 'id = "echo"\nname = "Echo"\nversion = "1.2.0"\ncapabilities = [{ Hook = "transform_data" }]\n';

describe('checked metadata', () => {
  it('is used as is: the manifest text is not read again', async () => {
    const wasm = await buildWatPlugin(echoPluginWat(['hook_transform_data']));
    const manager = new PluginManager({ logger: silent });
    // Text that would not parse: only the checked metadata can have loaded the plugin.
    await manager.load({ manifest: 'not = [toml', wasm, [CHECKED_METADATA]: parseManifest(MANIFEST) } as never);
    expect(manager.plugins().map((p) => [p.id, p.metadata?.version, p.state])).toStrictEqual([['echo', '1.2.0', 'active']]);
    expect(await manager.hooks.execute('transform_data', { ok: 1 })).toStrictEqual({ ok: 1 });
    await manager.shutdown();
  });

  it('under a string key, or in a foreign shape, is ignored: the manifest text is read and checked', async () => {
    const wasm = await buildWatPlugin(echoPluginWat(['hook_transform_data']));
    const manager = new PluginManager({ logger: silent });
    await expect(manager.load({ manifest: 'not = [toml', wasm, 'reedcms.plugins.checkedMetadata': parseManifest(MANIFEST) } as never)).rejects.toMatchObject({ code: 'E_MANIFEST' });
    await expect(manager.load({ manifest: 'not = [toml', wasm, [CHECKED_METADATA]: { id: 'echo' } } as never)).rejects.toMatchObject({ code: 'E_MANIFEST' });
    await manager.shutdown();
  });

  it('with dependencies still has them checked (semver is loaded for it)', async () => {
    const wasm = await buildWatPlugin(echoPluginWat(['hook_transform_data']));
    const manager = new PluginManager({ logger: silent });
    const dependent = parseManifest('id = "needs"\nname = "Needs"\nversion = "1.0.0"\n[[dependencies]]\nplugin_id = "echo"\nversion = "^2"\n');
    await manager.load({ manifest: MANIFEST, wasm, [CHECKED_METADATA]: parseManifest(MANIFEST) } as never);
    await expect(manager.load({ manifest: '', wasm, [CHECKED_METADATA]: dependent } as never)).rejects.toMatchObject({ code: 'E_DEPENDENCY' });
    await manager.shutdown();
  });
});
