/**
 * Builds every example plugin: `examples/plugins/<id>/assembly/index.ts` →
 * `examples/plugins/<id>/plugin.wasm` (gitignored; built from source, never committed).
 *
 * @example
 * ```ts
 * const results = await buildExamples();
 * for (const r of results) console.log(r.id, r.built ? 'built' : 'up to date');
 * ```
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { buildAssemblyScript, REPO_ROOT } from './build-assemblyscript.ts';

/** Folder holding one subfolder per example plugin. */
export const EXAMPLES_DIR = join(REPO_ROOT, 'examples', 'plugins');

/** One example plugin's build outcome. */
export interface ExampleBuild {
  /** The plugin folder name (its id). */
  id: string;
  /** Absolute path of the built plugin.wasm. */
  outFile: string;
  /** False when it was already up to date. */
  built: boolean;
}

/**
 * Compiles every example plugin that has an `assembly/index.ts`, in name order, one at a time
 * (asc is CPU-bound; the machine has two cores and vitest wants the other).
 *
 * @example
 * ```ts
 * await buildExamples({ force: true });
 * ```
 */
export async function buildExamples(options: { force?: boolean } = {}): Promise<ExampleBuild[]> {
  const ids = (await readdir(EXAMPLES_DIR, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const results: ExampleBuild[] = [];
  for (const id of ids) {
    const entry = join(EXAMPLES_DIR, id, 'assembly', 'index.ts');
    if (!(await stat(entry).catch(() => undefined))) continue;
    const { outFile, built } = await buildAssemblyScript({
      entry,
      outFile: join(EXAMPLES_DIR, id, 'plugin.wasm'),
      force: options.force ?? false,
    });
    results.push({ id, outFile, built });
  }
  return results;
}
