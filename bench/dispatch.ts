/**
 * Hook dispatch through PluginManager versus a raw Extism `plugin.call` of the same export with
 * the same input, and load-to-first-result time. Run alone: `npm run bench:one -- bench/dispatch.ts`.
 *
 * The raw baseline does the least a raw Extism user must do to get the same result from the
 * same data: `JSON.stringify`, `plugin.call`, `JSON.parse` of the output text.
 */
import createPlugin from '@extism/extism';
import { readFile } from 'node:fs/promises';
// The compiled package (npm run build), as users import it: no test-time transpiler in the way.
import { Hooks, PluginManager } from '@reedcms/plugins';
import { STOCK_IO_FUNCTIONS } from '@reedcms/plugins/extism';
import { buildFixtures, FIXTURE_BUILD_DIR } from '../scripts/lib/build-fixtures.ts';
import { compare, median, printTable, type BenchResult } from './support/measure.ts';

/** Our SDK imports the fast I/O and frame functions; answering "unavailable" and "no frames" keeps raw Extism on the stock path. */
const SDK_STOCK_IO = STOCK_IO_FUNCTIONS;

const MANIFEST = `id = "echo"\nname = "Echo"\nversion = "1.0.0"\ncapabilities = [{ Hook = "transform_data" }]\n`;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A JSON payload whose serialized form is `bytes` long. */
function payloadOf(bytes: number): { text: string } {
  const overhead = JSON.stringify({ text: '' }).length;
  return { text: 'x'.repeat(Math.max(0, bytes - overhead)) };
}

/**
 * Runs the dispatch and load benchmarks and returns their results.
 *
 * @example
 * ```ts
 * printTable(await runDispatchBench());
 * ```
 */
export async function runDispatchBench(): Promise<BenchResult[]> {
  await buildFixtures();
  const wasm = new Uint8Array(await readFile(`${FIXTURE_BUILD_DIR}/echo.wasm`));
  const results: BenchResult[] = [];

  const manager = new PluginManager({ logger: silent });
  await manager.load({ manifest: MANIFEST, wasm });
  const raw = await createPlugin({ wasm: [{ data: wasm }] }, { useWasi: false, functions: { 'extism:host/user': { reed_publish_event: () => 0, ...SDK_STOCK_IO } } });

  for (const size of [16, 4096]) {
    const data = payloadOf(size);
    const ours = () => manager.hooks.execute(Hooks.TRANSFORM_DATA, data);
    const baseline = async () => JSON.parse((await raw.call('hook_transform_data', JSON.stringify(data)))?.text() ?? 'null');
    // Sanity: both paths return the input.
    if (JSON.stringify(await ours()) !== JSON.stringify(data) || JSON.stringify(await baseline()) !== JSON.stringify(data)) {
      throw new Error('echo returned something else');
    }
    const { candidateUs, baselineUs } = await compare(ours, baseline, { ops: size > 1000 ? 1000 : 4000, rounds: 11, warmup: 5000 });
    const ratio = candidateUs / baselineUs;
    results.push({
      name: `hook dispatch, ${size} B input`,
      candidateUs,
      baselineUs,
      ratio,
      target: '<= 1.15',
      pass: ratio <= 1.15,
      details: 'PluginManager.hooks.execute vs raw Extism plugin.call (same wasm, same JSON)',
    });
  }
  // The same 16 B call with the plugin's FastIO off, so both sides move the input and output
  // through Extism's stock 8-byte block copies: what the manager itself costs per call.
  const stockManager = new PluginManager({ logger: silent, plugins: { echo: { fast_io: '0' } } });
  await stockManager.load({ manifest: MANIFEST, wasm });
  {
    const data = payloadOf(16);
    const ours = () => stockManager.hooks.execute(Hooks.TRANSFORM_DATA, data);
    const baseline = async () => JSON.parse((await raw.call('hook_transform_data', JSON.stringify(data)))?.text() ?? 'null');
    if (JSON.stringify(await ours()) !== JSON.stringify(data)) throw new Error('echo returned something else');
    const { candidateUs, baselineUs } = await compare(ours, baseline, { ops: 4000, rounds: 11, warmup: 5000 });
    results.push({
      name: 'hook dispatch, 16 B, both on the stock I/O',
      candidateUs,
      baselineUs,
      ratio: candidateUs / baselineUs,
      target: 'report',
      pass: true,
      details: "the plugin's FastIO off: the manager's own cost per call, without the direct I/O's gain",
    });
  }
  await stockManager.shutdown();
  await manager.shutdown();
  await raw.close();

  // Load to first result: a fresh manager compiles, instantiates, initializes and calls.
  const loadOurs: number[] = [];
  const loadRaw: number[] = [];
  for (let i = 0; i < 15; i++) {
    let started = performance.now();
    const m = new PluginManager({ logger: silent });
    await m.load({ manifest: MANIFEST, wasm });
    await m.hooks.execute(Hooks.TRANSFORM_DATA, { text: 'hi' });
    loadOurs.push((performance.now() - started) * 1000);
    await m.shutdown();
    started = performance.now();
    const p = await createPlugin({ wasm: [{ data: wasm }] }, { useWasi: false, functions: { 'extism:host/user': { reed_publish_event: () => 0, ...SDK_STOCK_IO } } });
    JSON.parse((await p.call('hook_transform_data', JSON.stringify({ text: 'hi' })))?.text() ?? 'null');
    loadRaw.push((performance.now() - started) * 1000);
    await p.close();
  }
  const oursUs = median(loadOurs);
  const rawUs = median(loadRaw);
  results.push({
    name: 'load to first result',
    candidateUs: oursUs,
    baselineUs: rawUs,
    ratio: oursUs / rawUs,
    target: 'report',
    pass: true,
    details: `manifest parse + compile + instantiate + initialize + first hook (${(oursUs / 1000).toFixed(2)} ms) vs raw createPlugin + call`,
  });
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable(await runDispatchBench());
}
