/**
 * The default runtime adapter is fixed when the module graph is built (`#runtime`, package.json
 * "imports"), not by whichever entry point was imported last: the node and browser entries in
 * one process give managers the same default, and an explicit `runtime` still wins.
 */
import { describe, expect, it } from 'vitest';
import { examplePluginDir } from '../support/fixtures.ts';

describe('the default runtime with two entries in one module graph', () => {
  it('a manager made before and one made after importing the browser entry both get the node adapter', async () => {
    const node = await import('../../src/node.ts');
    const before = new node.PluginManager();
    const browser = await import('../../src/browser.ts');
    const after = new browser.PluginManager();
    expect([before.runtime.name, after.runtime.name]).toEqual(['node', 'node']);
    expect([node.runtimeCapabilities().runtime, browser.runtimeCapabilities().runtime]).toEqual(['node', 'node']);
    // Both still read plugin folders: the file system is the node adapter's.
    const id = await after.load({ dir: examplePluginDir('reading-time') });
    expect(after.plugins().find((p) => p.id === id)?.state).toBe('active');
    await Promise.all([before.shutdown(), after.shutdown()]);
  });

  it('an explicit runtime wins, per manager', async () => {
    const { PluginManager, browserRuntime } = await import('../../src/browser.ts');
    const { webRuntime } = await import('../../src/web.ts');
    const inBrowser = new PluginManager({ runtime: browserRuntime });
    const onWeb = new PluginManager({ runtime: webRuntime });
    const byDefault = new PluginManager();
    expect([inBrowser.runtime.name, onWeb.runtime.name, byDefault.runtime.name]).toEqual(['browser', 'web', 'node']);
    // No file system there: a folder source is refused with a typed error, the default manager is unaffected.
    await expect(inBrowser.load({ dir: examplePluginDir('reading-time') })).rejects.toMatchObject({ code: 'E_UNSUPPORTED' });
    await Promise.all([inBrowser.shutdown(), onWeb.shutdown(), byDefault.shutdown()]);
  });
});
