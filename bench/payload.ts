/**
 * Large payloads: an `after_render` round trip with 64 KiB and 1 MiB of HTML through our SDK's
 * fast path versus the stock PDK path, both through `manager.hooks.execute` (everything a user
 * pays: host-side encoding, copies in and out, the plugin's work, decoding of the result).
 * Run alone: `npm run bench:one -- bench/payload.ts`.
 *
 * - fast path: test/fixtures/as/assembly/payload.ts, built with the SDK: `Input.json` (so the
 *   host sends the page framed, its HTML as raw UTF-8 beside the JSON), the HTML edited as
 *   bytes, `Output.json` (framed back), and bulk copies in and out (FastIO);
 * - stock path: test/fixtures/as/assembly/payload-stock.ts, the same edit written against
 *   Extism's stock ABI, as a stock PDK plugin does it: JSON text in and out, copied 8 bytes per
 *   host call;
 * - bulk copies alone: the SDK plugin with FastIO on versus off (frames in both).
 */
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
  const sdkWasm = new Uint8Array(await readFile(`${FIXTURE_BUILD_DIR}/payload.wasm`));
  const stockWasm = new Uint8Array(await readFile(`${FIXTURE_BUILD_DIR}/payload-stock.wasm`));
  // 1 MiB through the stock path is ~130,000 host calls: give every plugin room.
  const limits = { fuel: 100_000_000 };
  const managers = {
    fast: new PluginManager({ logger: silent, limits }),
    stock: new PluginManager({ logger: silent, limits }),
    noBulk: new PluginManager({ logger: silent, limits, plugins: { 'no-bulk': { fast_io: '0' } } }),
  };
  await managers.fast.load({ manifest: manifest('fast'), wasm: sdkWasm });
  await managers.stock.load({ manifest: manifest('stock'), wasm: stockWasm });
  await managers.noBulk.load({ manifest: manifest('no-bulk'), wasm: sdkWasm });

  const results: BenchResult[] = [];
  try {
    for (const [label, bytes, ops, language] of [
      ['64 KiB', 64 * 1024, 200, 'en'],
      ['64 KiB (German, two-byte string)', 64 * 1024, 200, 'de'],
      ['1 MiB', 1024 * 1024, 12, 'en'],
    ] as const) {
      const page = pageOf(bytes, language);
      const [fast, stock, noBulk] = [managers.fast, managers.stock, managers.noBulk].map((m) => () => m.hooks.execute(Hooks.AFTER_RENDER, page));
      const a = JSON.stringify(await fast!());
      if (a !== JSON.stringify(await stock!()) || a !== JSON.stringify(await noBulk!()) || !a.includes('content=reed')) throw new Error('the paths disagree');
      const hook = await compare(fast!, stock!, { ops, rounds: 9, warmup: ops });
      results.push(line(`after_render round trip, ${label} HTML: SDK fast path vs stock PDK path`, hook, label === '64 KiB'));
      if (language === 'en') {
        const bulk = await compare(fast!, noBulk!, { ops, rounds: 9, warmup: ops });
        results.push(line(`the same, ${label}: SDK plugin with bulk copies vs without (frames in both)`, bulk, false));
      }
    }
  } finally {
    await Promise.all(Object.values(managers).map((m) => m.shutdown()));
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

if (import.meta.url === `file://${process.argv[1]}`) printTable(await runPayloadBench());
