/**
 * `watch: true` (Node): editing a plugin's folder reloads it; a broken edit leaves the running
 * version in place and is reported.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Hooks, PluginManager, type PluginEvent } from '@reedcms/plugins';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Resolves with the first event of `type` published after the call (or fails after 10 s). */
function next(manager: PluginManager, type: string): Promise<PluginEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event within 10 s`)), 10_000);
    const off = manager.events.subscribe(type, (e) => {
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

describe('watch mode', () => {
  it('reloads a folder plugin when its files change, and keeps it when the change is broken', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reed-watch-'));
    dirs.push(dir);
    await writeFile(join(dir, 'plugin.toml'), manifestToml('watched', ['Hook = "transform_data"'], '', '1.0.0'));
    await writeFile(join(dir, 'plugin.wasm'), await readFixture('versioned-a'));
    const manager = new PluginManager({ watch: true, logger: captureLogger() });
    await manager.load({ dir });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, 1)).resolves.toEqual({ input: 1, version: 'a' });

    const reloaded = next(manager, 'plugin.loaded');
    await writeFile(join(dir, 'plugin.wasm'), await readFixture('versioned-b'));
    await writeFile(join(dir, 'plugin.toml'), manifestToml('watched', ['Hook = "transform_data"'], '', '2.0.0'));
    expect((await reloaded).data).toMatchObject({ id: 'watched', version: '2.0.0', reloaded: true });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, 2)).resolves.toEqual({ input: 2, version: 'b' });

    const failed = next(manager, 'plugin.error');
    await writeFile(join(dir, 'plugin.toml'), 'id = "watched"\nversion = ');
    expect((await failed).data).toMatchObject({ pluginId: 'watched', code: 'E_MANIFEST' });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, 3)).resolves.toEqual({ input: 3, version: 'b' });
    expect(manager.plugins()).toMatchObject([{ id: 'watched', state: 'active', metadata: { version: '2.0.0' } }]);
    await manager.shutdown();
  });
});
