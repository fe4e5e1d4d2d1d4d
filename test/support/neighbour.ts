/**
 * The well-behaved neighbour every hostile test loads beside its plugin: an echo on
 * `before_render`, which must still answer exactly after the hostile one misbehaved.
 *
 * @example
 * ```ts
 * await loadNeighbour(manager);
 * await expectNeighbourHealthy(manager);
 * ```
 */
import { expect } from 'vitest';
import { Hooks, type PluginManager } from '@reedcms/plugins';
import { readFixture } from './fixtures.ts';
import { manifestToml } from './wat-plugins.ts';

/** Loads the neighbour (id `good`), on `before_render` or on the hook given (when the plugin under test takes that one). */
export async function loadNeighbour(manager: PluginManager, hook: string = Hooks.BEFORE_RENDER): Promise<void> {
  await manager.load({ manifest: manifestToml('good', [`Hook = "${hook}"`]), wasm: await readFixture('echo') });
}

/** The neighbour still returns fresh data unchanged, on the hook it was loaded on. */
export async function expectNeighbourHealthy(manager: PluginManager, hook: string = Hooks.BEFORE_RENDER): Promise<void> {
  const page = { title: 'Still fine ✓', n: Math.random() };
  await expect(manager.hooks.execute(hook, page, { errorPolicy: 'fail' })).resolves.toEqual(page);
}
