/**
 * Guest HTTP under JSPI (Deno: `WebAssembly.Suspending`, so the plugin stays inline and the
 * host's own `http_request` serves it under our network policy). Run by
 * test/runtimes/jspi-http.test.ts with the test server's origin; prints one JSON line.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-env --allow-net=127.0.0.1 test/runtimes/deno/jspi-http.ts http://127.0.0.1:1234 build/fixtures/http-client.wasm
 * ```
 */
import * as pkg from '../../../src/deno.ts';

declare const Deno: { args: string[]; readFile(path: string): Promise<Uint8Array>; exit(code: number): never };

const [origin, wasmPath] = Deno.args as [string, string];
const denied: unknown[] = [];
const manager = new pkg.PluginManager({
  logger: { debug() {}, info() {}, warn() {}, error() {} },
  allowedHosts: [origin],
  limits: { maxHttpRequests: 3, httpTimeoutMs: 300, maxHttpResponseBytes: 1_000, fuel: 50_000_000 },
});
manager.events.subscribe('plugin.denied', (e) => void denied.push(e.data));
await manager.load({
  manifest: `id = "c"\nname = "c"\nversion = "1.0.0"\ncapabilities = [{ Command = "fetch" }]\n[network]\nallowed_hosts = ["${origin}"]\n`,
  wasm: await Deno.readFile(wasmPath),
});
const run = (requests: unknown[]) => manager.command('c', 'fetch', { requests });
const first = await run([
  { url: `${origin}/hello` },
  { url: `${origin}/echo`, method: 'POST', headers: { 'x-custom': 'abc' }, body: 'héllo' },
  { url: 'https://example.com/' },
  { url: `${origin}/redirect?to=${encodeURIComponent('http://127.0.0.2:9/x')}` },
  { url: `${origin}/hello` },
]);
const second = await run([{ url: `${origin}/slow?ms=3000` }, { url: `${origin}/big?bytes=5000` }, { url: `${origin}/hello` }]);
console.log(JSON.stringify({ jspi: typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function', first, second, denied }));
await manager.shutdown();
Deno.exit(0);
