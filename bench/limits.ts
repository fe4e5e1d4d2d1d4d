/**
 * CPU-limited calls: ours (inline, bounded by fuel) versus Extism's only CPU-limited mode
 * (`runInWorker: true` with `timeoutMs`), same plugin, same input. Run alone:
 * `npm run bench:one -- bench/limits.ts`.
 */
import createPlugin from '@extism/extism';
import { readFile } from 'node:fs/promises';
// The compiled package (npm run build), as users import it: no test-time transpiler in the way.
import { Hooks, PluginManager } from '@reedcms/plugins';
import { STOCK_IO_FUNCTIONS } from '@reedcms/plugins/extism';
import { buildFixtures, FIXTURE_BUILD_DIR } from '../scripts/lib/build-fixtures.ts';
import { compare, printTable, type BenchResult } from './support/measure.ts';

/** Our SDK imports bulk-copy and frame functions; answering "unavailable" and "no frames" keeps raw Extism on the stock path. */
const SDK_STOCK_IO = STOCK_IO_FUNCTIONS;

const MANIFEST = `id = "echo"\nname = "Echo"\nversion = "1.0.0"\ncapabilities = [{ Hook = "transform_data" }]\n`;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Runs the CPU-limit benchmark.
 *
 * @example
 * ```ts
 * printTable(await runLimitsBench());
 * ```
 */
export async function runLimitsBench(): Promise<BenchResult[]> {
  await buildFixtures();
  const wasm = new Uint8Array(await readFile(`${FIXTURE_BUILD_DIR}/echo.wasm`));
  const data = { text: 'sixteen bytes!' };

  const manager = new PluginManager({ logger: silent, isolation: 'inline', limits: { fuel: 1_000_000 } });
  await manager.load({ manifest: MANIFEST, wasm });
  const worker = await createPlugin(
    { wasm: [{ data: wasm }] },
    { useWasi: false, runInWorker: true, timeoutMs: 1_000, functions: { 'extism:host/user': { reed_publish_event: () => 0, ...SDK_STOCK_IO } } },
  );
  const ours = () => manager.hooks.execute(Hooks.TRANSFORM_DATA, data);
  const baseline = async () => JSON.parse((await worker.call('hook_transform_data', JSON.stringify(data)))?.text() ?? 'null');
  if (JSON.stringify(await ours()) !== JSON.stringify(data) || JSON.stringify(await baseline()) !== JSON.stringify(data)) {
    throw new Error('echo returned something else');
  }
  const { candidateUs, baselineUs } = await compare(ours, baseline, { ops: 500, rounds: 9, warmup: 3000 });
  await manager.shutdown();
  await worker.close();
  const speedup = baselineUs / candidateUs;
  return [
    {
      name: 'CPU-limited call: inline fuel vs Extism worker+timeoutMs',
      candidateUs,
      baselineUs,
      ratio: candidateUs / baselineUs,
      target: '<= 0.05 (20× faster)',
      pass: speedup >= 20,
      details: `${speedup.toFixed(1)}× faster; echo plugin, ${JSON.stringify(data).length} B input`,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable(await runLimitsBench());
}
