/**
 * vitest globalSetup: compiles the example plugins and the AssemblyScript fixtures once per
 * run (skipped when up to date), and for the integration tier the C and Go fixtures, so tests
 * read fresh .wasm built from source.
 *
 * @example
 * ```ts
 * // vite.config.ts
 * projects: [{ extends: true, test: { name: 'unit', globalSetup: ['test/global-setup.ts'] } }]
 * ```
 */
import type { TestProject } from 'vitest/node';
import { buildExamples } from '../scripts/lib/build-examples.ts';
import { buildFixtures } from '../scripts/lib/build-fixtures.ts';
import { buildNativeFixtures } from '../scripts/lib/build-native.ts';

/**
 * Builds everything the tests of `project` load; a compile error fails the run with asc's diagnostics.
 *
 * @example
 * ```ts
 * await setup(project);
 * ```
 */
export default async function setup(project: TestProject): Promise<void> {
  await buildExamples();
  await buildFixtures();
  // Only the integration tier (vite.config.ts) loads C and Go plugins: the unit tier skips their toolchains.
  if (project.name !== 'integration') return;
  // C and Go plugins need clang / Go: without them the tests using those plugins skip, saying so.
  for (const result of await buildNativeFixtures()) {
    if (result.skipped !== undefined) console.warn(`[global-setup] ${result.skipped}`);
  }
}
