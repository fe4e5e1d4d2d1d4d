/**
 * `npm run build:plugins`: compiles the example plugins (and, with `--fixtures`, the
 * AssemblyScript test fixtures) and prints what it built. `--force` rebuilds everything.
 *
 * @example
 * ```sh
 * npm run build:plugins -- --force --fixtures
 * ```
 */
import { relative } from 'node:path';
import { REPO_ROOT } from './lib/build-assemblyscript.ts';
import { buildExamples } from './lib/build-examples.ts';
import { buildFixtures } from './lib/build-fixtures.ts';

const force = process.argv.includes('--force');
const started = performance.now();
const rows: { what: string; outFile: string; built: boolean }[] = [];
for (const r of await buildExamples({ force })) rows.push({ what: `example ${r.id}`, outFile: r.outFile, built: r.built });
if (process.argv.includes('--fixtures')) {
  for (const r of await buildFixtures({ force })) rows.push({ what: `fixture ${r.name}`, outFile: r.outFile, built: r.built });
}
for (const r of rows) {
  console.log(`${r.built ? 'built     ' : 'up to date'}  ${r.what.padEnd(28)} ${relative(REPO_ROOT, r.outFile)}`);
}
console.log(`${rows.filter((r) => r.built).length} built, ${rows.filter((r) => !r.built).length} up to date in ${Math.round(performance.now() - started)} ms`);
