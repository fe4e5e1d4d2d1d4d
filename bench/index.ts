/**
 * `npm run bench`: every benchmark, measured side by side with its baseline, printed as one
 * table of ratios against their targets (BENCHMARKS.md records the figures). Each suite runs
 * in a fresh process, so one suite's JIT state does not skew another's.
 *
 * @example
 * ```sh
 * npm run bench
 * ```
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RESULT_PREFIX, printTable, type BenchResult } from './support/measure.ts';

const SUITES: Array<[file: string, exportName: string]> = [
  ['dispatch.ts', 'runDispatchBench'],
  ['limits.ts', 'runLimitsBench'],
  ['payload.ts', 'runPayloadBench'],
  ['http.ts', 'runHttpBench'],
  ['instrument.ts', 'runInstrumentBench'],
  ['bulk-costs.ts', 'runBulkCostsBench'],
  ['events.ts', 'runEventsBench'],
  ['hooks.ts', 'runHooksBench'],
  ['runtimes.ts', 'runRuntimesBench'],
  ['cli.ts', 'runCliBench'],
  ['wasi.ts', 'runWasiBench'],
  ['bundle-size.ts', 'runBundleSizeBench'],
  ['playground.ts', 'runPlaygroundBench'],
];

const runner = fileURLToPath(new URL('./support/run-suite.ts', import.meta.url));
const all: BenchResult[] = [];
let failed = 0;
for (const [file, exportName] of SUITES) {
  console.log(`running ${file}…`);
  const child = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', '--import', 'tsx', runner, file, exportName], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (child.status !== 0 || line === undefined) {
    failed++;
    console.error(`suite ${file} failed (exit ${child.status})\n${child.stdout}`);
    continue;
  }
  all.push(...(JSON.parse(line.slice(RESULT_PREFIX.length)) as BenchResult[]));
}
console.log('');
printTable(all);
console.log(
  `\n${all.filter((r) => r.pass).length} met, ${all.filter((r) => !r.pass).length} missed${failed > 0 ? `, ${failed} suites FAILED` : ''} (node ${process.version}, ${new Date().toISOString()})`,
);
process.exit(failed > 0 ? 1 : 0);
