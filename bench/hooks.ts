/**
 * Hook dispatch over 20 JS handlers (a filter chain) versus a plain loop calling the same
 * handlers, measured side by side in one run. Run alone: `npm run bench:one -- bench/hooks.ts`.
 *
 * The baseline is the least any dispatcher must do: call each handler with the previous
 * result. Ours also checks each handler's plugin is enabled, builds its context and returns a
 * promise (execute is always async to callers).
 */
// The compiled package (npm run build), as users import it.
import { HookManager } from '@reedcms/plugins';
import { compare, printTable, type BenchResult } from './support/measure.ts';

const HANDLERS = 20;
const TARGET = 2;

/**
 * Runs the hook dispatch benchmarks and returns their results.
 *
 * @example
 * ```ts
 * printTable(await runHooksBench());
 * ```
 */
export async function runHooksBench(): Promise<BenchResult[]> {
  const handlers = Array.from({ length: HANDLERS }, (_, i) => (n: number) => n + i);
  const results: BenchResult[] = [];

  for (const withPlugins of [false, true]) {
    const hooks = new HookManager({ isPluginEnabled: () => true });
    handlers.forEach((handler, i) => hooks.register('transform_data', handler, withPlugins ? { pluginId: `p${i}`, priority: i } : { priority: i }));
    const plain = (data: number) => {
      let current = data;
      for (const handler of handlers) current = handler(current);
      return current;
    };
    let check = 0;
    const { candidateUs, baselineUs } = await compare(
      async () => {
        check += await hooks.execute('transform_data', 1);
      },
      async () => {
        check += plain(1);
      },
      { ops: 20_000, rounds: 15 },
    );
    if (!Number.isFinite(check)) throw new Error('unreachable');
    const ratio = candidateUs / baselineUs;
    results.push({
      name: `hook dispatch, ${HANDLERS} JS handlers${withPlugins ? ' (plugin-owned)' : ''} vs plain loop`,
      candidateUs,
      baselineUs,
      ratio,
      target: `<= ${TARGET}`,
      pass: ratio <= TARGET,
      details: 'sync filter handlers, 20000 ops × 15 rounds',
    });
  }

  // The other kinds, for the record (no baseline of their own: the same plain loop).
  for (const [hook, make] of [
    ['auth_check', () => () => undefined],
    ['validate_data', () => () => undefined],
    ['after_save', () => () => undefined],
  ] as const) {
    const hooks = new HookManager();
    for (let i = 0; i < HANDLERS; i++) hooks.register(hook, make(), { pluginId: `p${i}` });
    const noop = handlers.map(() => make());
    const { candidateUs, baselineUs } = await compare(
      () => hooks.execute(hook, {}),
      async () => {
        for (const h of noop) h();
      },
      { ops: 10_000, rounds: 9 },
    );
    results.push({
      name: `hook dispatch, ${HANDLERS} ${hooks.definition(hook)?.kind} handlers vs plain loop`,
      candidateUs,
      baselineUs,
      ratio: candidateUs / baselineUs,
      target: 'info',
      pass: true,
      details: 'sync handlers returning undefined',
    });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable(await runHooksBench());
}
