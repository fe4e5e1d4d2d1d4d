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

/** Loads the neighbour (id `good`). */
export async function loadNeighbour(manager: PluginManager): Promise<void> {
  await manager.load({ manifest: manifestToml('good', ['Hook = "before_render"']), wasm: await readFixture('echo') });
}

/** The neighbour still returns fresh data unchanged. */
export async function expectNeighbourHealthy(manager: PluginManager): Promise<void> {
  const page = { title: 'Still fine ✓', n: Math.random() };
  await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, page)).resolves.toEqual(page);
}
