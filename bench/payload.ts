/**
 * Large payloads: an `after_render` round trip with 64 KiB and 1 MiB of HTML through our SDK's
 * fast path (FastIO bulk copies) versus the stock PDK path (8 bytes per host call), using one
 * plugin (test/fixtures/as/assembly/payload.ts) loaded twice, the second with `fast_io = "0"`.
 * Run alone: `npm run build && npx tsx bench/payload.ts`.
 *
 * Two views per size:
 * - `after_render round trip`: `manager.hooks.execute` end to end, so host-side JSON
 *   (stringify, UTF-8, parse) that both paths share is included;
 * - `guest I/O round trip`: the same module in raw Extism with the input as bytes, where the
 *   copies in and out are nearly all there is (what the stock ABI's ~28 MB/s costs).
 */
import createPlugin, { type CallContext } from '@extism/extism';
import { readFile } from 'node:fs/promises';
import { Hooks, PluginManager } from '@reedcms/plugins';
import { buildFixtures, FIXTURE_BUILD_DIR } from '../scripts/lib/build-fixtures.ts';
import { compare, printTable, type BenchResult } from './support/measure.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const manifest = (id: string) => `id = "${id}"\nname = "${id}"\nversion = "1.0.0"\ncapabilities = [{ Hook = "after_render" }]\n`;

/**
 * A rendered page of about `bytes` UTF-8 bytes of HTML: English (all ASCII) or German (a few
 * accents per paragraph). The difference matters on the host: JavaScript keeps a string with
 * any non-Latin-1 character as two-byte UTF-16, and `JSON.stringify` / UTF-8 decoding of such a
 * string cost several times more, for both paths alike.
 */
function pageOf(bytes: number, language: 'en' | 'de' = 'de'): { path: string; title: string; html: string; meta: Record<string, unknown> } {
  const paragraph =
    language === 'de'
      ? '<p class="lead">Grüße aus der Redaktion: a paragraph of article text, with <a href="/x">links</a> and <em>emphasis</em>.</p>\n'
      : '<p class="lead">Greetings from the newsroom: a paragraph of article text, with <a href="/x">links</a> and <em>emphasis</em>.</p>\n';
  const head = '<!doctype html><html><head><meta charset="utf-8"><title>Article</title></head><body>\n';
  const unit = new TextEncoder().encode(paragraph).length;
  const body = paragraph.repeat(Math.max(1, Math.round((bytes - head.length) / unit)));
  // Flatten once, as a renderer's finished string would be.
  return { path: '/article', title: 'Article', html: JSON.parse(JSON.stringify(`${head}${body}</body></html>`)) as string, meta: { lang: language } };
}

/**
 * Runs the payload benchmarks.
 *
 * @example
 * ```ts
 * printTable(await runPayloadBench());
 * ```
 */
export async function runPayloadBench(): Promise<BenchResult[]> {
  await buildFixtures();
  const wasm = new Uint8Array(await readFile(`${FIXTURE_BUILD_DIR}/payload.wasm`));
  // 1 MiB through the stock path is ~130,000 host calls: give both variants room.
  const limits = { fuel: 100_000_000 };
  const manager = new PluginManager({ logger: silent, limits, plugins: { stock: { fast_io: '0' } } });
  const other = new PluginManager({ logger: silent, limits, plugins: { stock: { fast_io: '0' } } });
  await manager.load({ manifest: manifest('fast'), wasm });
  await other.load({ manifest: manifest('stock'), wasm });
  const fastRaw = await rawGuest(wasm, true);
  const stockRaw = await rawGuest(wasm, false);

  const results: BenchResult[] = [];
  try {
    for (const [label, bytes, ops, language] of [
      ['64 KiB', 64 * 1024, 200, 'en'],
      ['64 KiB (German, two-byte string)', 64 * 1024, 200, 'de'],
      ['1 MiB', 1024 * 1024, 12, 'en'],
    ] as const) {
      const page = pageOf(bytes, language);
      const fast = () => manager.hooks.execute(Hooks.AFTER_RENDER, page);
      const stock = () => other.hooks.execute(Hooks.AFTER_RENDER, page);
      const a = JSON.stringify(await fast());
      if (a !== JSON.stringify(await stock()) || !a.includes('content=reed')) throw new Error('the two paths disagree');
      const hook = await compare(fast, stock, { ops, rounds: 9, warmup: ops });
      results.push(line(`after_render round trip, ${label} HTML: SDK fast path vs stock PDK path`, hook, label === '64 KiB'));

      const input = new TextEncoder().encode(JSON.stringify(page));
      const io = await compare(() => fastRaw.call('hook_after_render', input), () => stockRaw.call('hook_after_render', input), { ops, rounds: 9, warmup: ops });
      results.push(line(`guest I/O round trip, ${label} (raw Extism, bytes in/out): fast vs stock`, io, label === '64 KiB'));
    }
  } finally {
    await manager.shutdown();
    await other.shutdown();
    await fastRaw.close();
    await stockRaw.close();
  }
  return results;
}

function line(name: string, t: { candidateUs: number; baselineUs: number }, targeted: boolean): BenchResult {
  const ratio = t.candidateUs / t.baselineUs;
  return {
    name,
    candidateUs: t.candidateUs,
    baselineUs: t.baselineUs,
    ratio,
    target: targeted ? '<= 0.10 (10× faster)' : 'report',
    pass: targeted ? ratio <= 0.1 : true,
    details: `${(t.baselineUs / t.candidateUs).toFixed(1)}× faster`,
  };
}

/**
 * The module in raw Extism with the two bulk-copy functions implemented as the ReedCMS host
 * does (src/engine/extism-guest.ts), or answering "unavailable" (the stock path).
 */
async function rawGuest(wasm: Uint8Array, fast: boolean) {
  let memory: WebAssembly.Memory | undefined;
  const plugin = await createPlugin(
    { wasm: [{ data: wasm }] },
    {
      useWasi: false,
      config: { fast_io: fast ? '1' : '0' },
      functions: {
        'extism:host/user': {
          reed_block_read(ctx: CallContext, block: bigint, dest: number, length: number): number {
            const data = ctx.read(block);
            if (memory === undefined || data === null) return -1;
            const bytes = data.bytes().subarray(0, length >>> 0);
            new Uint8Array(memory.buffer, dest >>> 0, bytes.byteLength).set(bytes);
            return bytes.byteLength;
          },
          reed_block_write(ctx: CallContext, src: number, length: number): bigint {
            if (memory === undefined) return 0n;
            return ctx.store(new Uint8Array(memory.buffer, src >>> 0, length >>> 0).slice());
          },
        },
      },
    },
  );
  if (fast) memory = (await plugin.getInstance()).exports['memory'] as WebAssembly.Memory;
  await plugin.call('initialize', '{}');
  return plugin;
}

if (import.meta.url === `file://${process.argv[1]}`) printTable(await runPayloadBench());
