/**
 * Builds the AssemblyScript test fixtures: `test/fixtures/as/assembly/<name>.ts` →
 * `build/fixtures/<name>.wasm`. They live under an `assembly/` folder because tsconfig
 * excludes `**\/assembly/**` (AssemblyScript is not TypeScript to tsc).
 *
 * @example
 * ```ts
 * const built = await buildFixtures();
 * ```
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildAssemblyScript, REPO_ROOT } from './build-assemblyscript.ts';

/** Where fixture sources live. */
export const FIXTURE_SOURCES_DIR = join(REPO_ROOT, 'test', 'fixtures', 'as', 'assembly');
/** Where built fixtures go (gitignored). */
export const FIXTURE_BUILD_DIR = join(REPO_ROOT, 'build', 'fixtures');

/** One fixture's build outcome. */
export interface FixtureBuild {
  /** File name without .ts, e.g. "echo". */
  name: string;
  /** Absolute path of the built .wasm. */
  outFile: string;
  /** False when it was already up to date. */
  built: boolean;
}

/**
 * Compiles every fixture, one at a time, in name order.
 *
 * @example
 * ```ts
 * await buildFixtures({ force: true });
 * ```
 */
export async function buildFixtures(options: { force?: boolean } = {}): Promise<FixtureBuild[]> {
  const names = (await readdir(FIXTURE_SOURCES_DIR))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
  const results: FixtureBuild[] = [];
  for (const name of names) {
    // Fixtures share one folder, so a change to any of them rebuilds all: cheap and simple.
    const { outFile, built } = await buildAssemblyScript({
      entry: join(FIXTURE_SOURCES_DIR, `${name}.ts`),
      outFile: join(FIXTURE_BUILD_DIR, `${name}.wasm`),
      force: options.force ?? false,
    });
    results.push({ name, outFile, built });
  }
  return results;
}
