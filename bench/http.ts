/**
 * Guest HTTP: one GET from a plugin (SDK Http helpers → `http_request` → our policy-checked
 * fetch) versus a plain `fetch` from the host, to the same local server on 127.0.0.1. On a
 * runtime without JSPI (Node 20) the plugin runs in worker isolation, so every host function is
 * a round trip between threads (~5 ms with Extism's Atomics bridge: the request plus its status,
 * headers and body reads). Run alone: `npm run bench:one -- bench/http.ts`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { PluginManager } from '@reedcms/plugins';
import { buildFixtures, FIXTURE_BUILD_DIR } from '../scripts/lib/build-fixtures.ts';
import { compare, printTable, type BenchResult } from './support/measure.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Runs the HTTP benchmark.
 *
 * @example
 * ```ts
 * printTable(await runHttpBench());
 * ```
 */
export async function runHttpBench(): Promise<BenchResult[]> {
  await buildFixtures();
  const wasm = new Uint8Array(await readFile(`${FIXTURE_BUILD_DIR}/http-client.wasm`));
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('hello'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const manager = new PluginManager({ logger: silent, logLevel: 'error', allowedHosts: [origin] });
  try {
    await manager.load({
      manifest: `id = "client"\nname = "client"\nversion = "1.0.0"\ncapabilities = [{ Command = "fetch" }]\n[network]\nallowed_hosts = ["${origin}"]\n`,
      wasm,
    });
    const requests = [{ url: `${origin}/hello` }];
    const guest = async () => {
      const { results } = (await manager.command('client', 'fetch', { requests })) as { results: Array<{ status: number }> };
      if (results[0]?.status !== 200) throw new Error(`guest request failed: ${JSON.stringify(results)}`);
    };
    const host = async () => {
      const res = await fetch(`${origin}/hello`);
      if ((await res.text()) !== 'hello') throw new Error('host request failed');
    };
    const t = await compare(guest, host, { ops: 20, rounds: 7, warmup: 10 });
    const ratio = t.candidateUs / t.baselineUs;
    const mode = typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function' ? 'JSPI, inline' : 'worker isolation (no JSPI)';
    return [
      {
        name: 'HTTP GET from a guest vs plain fetch from the host (127.0.0.1)',
        candidateUs: t.candidateUs,
        baselineUs: t.baselineUs,
        ratio,
        target: 'report',
        pass: true,
        details: `${mode}; guest pays +${((t.candidateUs - t.baselineUs) / 1000).toFixed(1)} ms per request`,
      },
    ];
  } finally {
    await manager.shutdown();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printTable(await runHttpBench());
