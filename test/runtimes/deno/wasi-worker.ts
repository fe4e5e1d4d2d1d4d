/**
 * A WASI plugin in its own worker on Deno (a web module worker, src/engine/worker-web-entry.ts),
 * against a real HTTP server on 127.0.0.1: an allowed URL fetched from the worker, another host
 * denied, an unmetered endless loop ended by E_TIMEOUT and the plugin answering after it, a
 * reload and an unload. Prints one JSON line and then ends WITHOUT Deno.exit: Deno's web
 * workers cannot be unref'd, so the process ends only if every worker the manager started was
 * terminated (test/runtimes/deno-wasi-worker.test.ts waits for that).
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-env --allow-net=127.0.0.1 test/runtimes/deno/wasi-worker.ts http://127.0.0.1:1234 build/fixtures/c-plugin.wasm
 * ```
 */
import * as pkg from '../../../src/deno.ts';

declare const Deno: { args: string[]; readFile(path: string): Promise<Uint8Array> };

const [origin, wasmPath] = Deno.args as [string, string];
const wasm = await Deno.readFile(wasmPath);
const manager = new pkg.PluginManager({
  isolation: 'worker',
  logger: { debug() {}, info() {}, warn() {}, error() {} },
  allowedHosts: [origin],
  limits: { fuel: false, timeoutMs: 1_500 },
});
const manifest = `id = "w"\nname = "w"\nversion = "1.0.0"\ncapabilities = [{ Command = "fetch" }, { Command = "echo" }, { Command = "spin" }]\n[network]\nallowed_hosts = ["${origin}"]\n`;
const code = (err: unknown) => (err as { code?: string }).code ?? String(err);
await manager.load({ manifest, wasm });
const allowed = await manager.command('w', 'fetch', { url: `${origin}/hello` });
const denied = await manager.command('w', 'fetch', { url: 'https://evil.example.net/steal' });
const spin = await manager.command('w', 'spin', {}).then(() => 'no error', code);
const after = await manager.command('w', 'echo', { after: 'timeout' });
await manager.reload('w');
const reloaded = await manager.command('w', 'echo', { reloaded: true });
await manager.unload('w');
await manager.load({ manifest, wasm });
const again = await manager.command('w', 'echo', { again: true });
console.log(JSON.stringify({ wasiWorkerIsolation: pkg.runtimeCapabilities().wasiWorkerIsolation, allowed, denied, spin, after, reloaded, again }));
await manager.shutdown();
