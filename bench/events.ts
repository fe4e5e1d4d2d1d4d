/**
 * Event publish through EventBus versus a raw mitt emit, to 1 and to 100 subscribers, measured
 * side by side in one run. Run alone: `npm run bench:one -- bench/events.ts`.
 *
 * The baseline is what a raw mitt user does to deliver the same payload: `emit(type, payload)`.
 * Ours also builds the full event (id, source, timestamp) and returns a promise of it.
 */
import mitt from 'mitt';
// The compiled package (npm run build), as users import it.
import { EventBus } from '@reedcms/plugins';
import { compare, printTable, type BenchResult } from './support/measure.ts';

const TYPE = 'content.created';
const TARGET = 1.5;

/**
 * Runs the event benchmarks and returns their results.
 *
 * @example
 * ```ts
 * printTable(await runEventsBench());
 * ```
 */
export async function runEventsBench(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const subscribers of [1, 100]) {
    let sink = 0;
    const handler = (e: { data: unknown }) => {
      sink += e.data === undefined ? 0 : 1;
    };
    const bus = new EventBus();
    const emitter = mitt<Record<string, { type: string; data: unknown }>>();
    for (let i = 0; i < subscribers; i++) {
      bus.subscribe(TYPE, handler);
      emitter.on(TYPE, handler);
    }
    const data = { id: 1 };
    const ops = subscribers === 1 ? 50_000 : 5_000;
    const { candidateUs, baselineUs } = await compare(
      () => bus.publish({ type: TYPE, data }),
      () => emitter.emit(TYPE, { type: TYPE, data }),
      { ops, rounds: 15 },
    );
    if (sink === 0) throw new Error('subscribers never ran');
    const ratio = candidateUs / baselineUs;
    results.push({
      name: `event publish, ${subscribers} subscriber${subscribers === 1 ? '' : 's'} vs mitt`,
      candidateUs,
      baselineUs,
      ratio,
      target: `<= ${TARGET}`,
      pass: ratio <= TARGET,
      details: `sync subscribers, exact type, ${ops} ops × 15 rounds`,
    });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable(await runEventsBench());
}
