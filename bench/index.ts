/**
 * `npm run bench`: every benchmark, measured side by side with its baseline in this one run,
 * printed as one table of ratios (targets from the issues; BENCHMARKS.md records the figures).
 *
 * @example
 * ```sh
 * npm run bench
 * ```
 */
import { runDispatchBench } from './dispatch.ts';
import { runLimitsBench } from './limits.ts';
import { runPayloadBench } from './payload.ts';
import { runHttpBench } from './http.ts';
import { runInstrumentBench } from './instrument.ts';
import { runEventsBench } from './events.ts';
import { runHooksBench } from './hooks.ts';
import { runRuntimesBench } from './runtimes.ts';
import { printTable, type BenchResult } from './support/measure.ts';

const suites: Array<[name: string, run: () => Promise<BenchResult[]>]> = [
  ['dispatch', runDispatchBench],
  ['limits', runLimitsBench],
  ['payload', runPayloadBench],
  ['http', runHttpBench],
  ['instrument', runInstrumentBench],
  ['events', runEventsBench],
  ['hooks', runHooksBench],
  ['runtimes', runRuntimesBench],
];

const all: BenchResult[] = [];
for (const [name, run] of suites) {
  console.log(`running ${name}…`);
  all.push(...(await run()));
}
console.log('');
printTable(all);
console.log(`\n${all.filter((r) => r.pass).length} met, ${all.filter((r) => !r.pass).length} missed (node ${process.version}, ${new Date().toISOString()})`);
