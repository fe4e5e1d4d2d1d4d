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
import { printTable, type BenchResult } from './support/measure.ts';

const suites: Array<[name: string, run: () => Promise<BenchResult[]>]> = [
  ['dispatch', runDispatchBench],
  ['limits', runLimitsBench],
  ['payload', runPayloadBench],
  ['http', runHttpBench],
];

// Optional suites register themselves by file: a missing one is skipped, not fatal.
for (const [name, file, exportName] of [['instrument', './instrument.ts', 'runInstrumentBench'], ['events', './events.ts', 'runEventsBench'], ['hooks', './hooks.ts', 'runHooksBench']] as const) {
  try {
    const mod = (await import(file)) as Record<string, unknown>;
    const run = mod[exportName];
    if (typeof run === 'function') suites.push([name, run as () => Promise<BenchResult[]>]);
  } catch (err) {
    console.warn(`(suite ${name} unavailable: ${(err as Error).message})`);
  }
}

const all: BenchResult[] = [];
for (const [name, run] of suites) {
  console.log(`running ${name}…`);
  all.push(...(await run()));
}
console.log('');
printTable(all);
console.log(`\n${all.filter((r) => r.pass).length} met, ${all.filter((r) => !r.pass).length} missed (node ${process.version}, ${new Date().toISOString()})`);
