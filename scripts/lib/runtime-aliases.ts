/**
 * The source files behind package.json's `#runtime` import for builds of this repository that
 * run the package from src/ (tests, examples, benchmarks of the browser page). The published
 * package needs none of this: its `imports` conditions point at dist/runtime/<runtime>.js.
 * Derived from package.json, so the condition → file table is written once.
 *
 * @example
 * ```ts
 * // a Vite config bundling src/browser.ts
 * resolve: { alias: { '@reedcms/plugins': 'src/browser.ts', ...runtimeAliases('src/browser.ts', 'browser') } }
 * ```
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './build-assemblyscript.ts';

/** A runtime condition of package.json's `#runtime` import. */
export type RuntimeCondition = 'workerd' | 'deno' | 'browser' | 'node' | 'default';

type Target = string | { [condition: string]: Target };

/**
 * The source file `#runtime` stands for under `condition`: the dist/ target's source twin.
 *
 * @example
 * ```ts
 * runtimeSource('deno'); // '<repo>/src/runtime/deno.ts'
 * ```
 */
export function runtimeSource(condition: RuntimeCondition): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { imports: Record<string, Target> };
  let target = (pkg.imports['#runtime'] as Record<string, Target>)[condition];
  while (target !== undefined && typeof target !== 'string') target = target['default'];
  if (target === undefined) throw new Error(`package.json imports: #runtime has no "${condition}" condition`);
  return join(REPO_ROOT, target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
}

/**
 * Vite aliases for bundling `packageEntry`: `#runtime` → its source twin when the entry is the
 * source (a `.ts` file); none for the built package, whose own `imports` resolve it.
 *
 * @example
 * ```ts
 * runtimeAliases(join(REPO_ROOT, 'src', 'workerd.ts'), 'workerd'); // { '#runtime': '<repo>/src/runtime/workerd.ts' }
 * ```
 */
export function runtimeAliases(packageEntry: string, condition: RuntimeCondition): Record<string, string> {
  return packageEntry.endsWith('.ts') ? { '#runtime': runtimeSource(condition) } : {};
}

/**
 * Deno's arguments for running the source: an import map (as a data: URL, derived like the
 * aliases) sending `#runtime` to src/runtime/deno.ts, where Deno would otherwise follow
 * package.json to dist/.
 *
 * @example
 * ```ts
 * spawn('deno', ['run', ...denoSourceImportMap(), 'test/runtimes/deno/run-suite.ts']);
 * ```
 */
export function denoSourceImportMap(): string[] {
  const map = { imports: { '#runtime': pathToFileURL(runtimeSource('deno')).href } };
  return ['--import-map', `data:application/json,${encodeURIComponent(JSON.stringify(map))}`];
}
