/**
 * vitest globalSetup: compiles the example plugins and the AssemblyScript fixtures once per
 * run (skipped when up to date), so tests read fresh .wasm built from source.
 *
 * @example
 * ```ts
 * // vite.config.ts
 * export default defineConfig({ test: { globalSetup: ['test/global-setup.ts'] } });
 * ```
 */
import { buildExamples } from '../scripts/lib/build-examples.ts';
import { buildFixtures } from '../scripts/lib/build-fixtures.ts';
import { buildNativeFixtures } from '../scripts/lib/build-native.ts';

/**
 * Builds everything the tests load; a compile error fails the run with asc's diagnostics.
 *
 * @example
 * ```ts
 * await setup();
 * ```
 */
export default async function setup(): Promise<void> {
  await buildExamples();
  await buildFixtures();
  // C and Go plugins need clang / Go: without them the tests using those plugins skip, saying so.
  for (const result of await buildNativeFixtures()) {
    if (result.skipped !== undefined) console.warn(`[global-setup] ${result.skipped}`);
  }
}
