/**
 * Runs one benchmark suite in this process and prints its results as one JSON line, so
 * `npm run bench` can give every suite a fresh process: a JIT warmed (and made polymorphic) by
 * one suite would otherwise skew the next one's figures.
 *
 * @example
 * ```sh
 * node --import tsx bench/support/run-suite.ts ./dispatch.ts runDispatchBench
 * ```
 */
import { RESULT_PREFIX, type BenchResult } from './measure.ts';

const [file, exportName] = process.argv.slice(2);
if (file === undefined || exportName === undefined) throw new Error('usage: run-suite.ts <module> <export>');
const mod = (await import(new URL(`../${file}`, import.meta.url).href)) as Record<string, () => Promise<BenchResult[]>>;
const run = mod[exportName];
if (typeof run !== 'function') throw new Error(`${file} exports no ${exportName}`);
const results = await run();
console.log(RESULT_PREFIX + JSON.stringify(results));
// Suites may leave servers, workers or browsers winding down: this child is done.
process.exit(0);
