/**
 * A hostile plugin on the JSPI path (Deno): the module imports `http_request`, so every call of
 * it runs through `WebAssembly.promising` and may suspend. A call that fails while its results
 * are read (a negative `output_set` length) must still end as a typed error and free the
 * plugin's call queue. Run by test/runtimes/jspi-http.test.ts; prints one JSON line.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-env --allow-net=127.0.0.1 test/runtimes/deno/jspi-hostile.ts http://127.0.0.1:1234 /tmp/hostile.wasm
 * ```
 */
import * as pkg from '../../../src/deno.ts';

declare const Deno: { args: string[]; readFile(path: string): Promise<Uint8Array>; exit(code: number): never };

const [origin, wasmPath] = Deno.args as [string, string];
const manager = new pkg.PluginManager({ logger: { debug() {}, info() {}, warn() {}, error() {} }, allowedHosts: [origin] });
await manager.load({
  manifest: `id = "h"\nname = "h"\nversion = "1.0.0"\ncapabilities = [{ Export = "echo" }, { Export = "negative_output" }]\n[network]\nallowed_hosts = ["${origin}"]\n`,
  wasm: await Deno.readFile(wasmPath),
});
/** The call's outcome, or "frozen" when it has not settled within 5 s. */
const outcome = (call: Promise<unknown>): Promise<unknown> =>
  Promise.race([
    call.then(
      (value) => ({ value: value instanceof Uint8Array ? new TextDecoder().decode(value) : value }),
      (err: { name?: string; code?: string; pluginId?: string }) => ({ error: { name: err.name, code: err.code, pluginId: err.pluginId } }),
    ),
    new Promise((resolve) => setTimeout(() => resolve('frozen'), 5_000)),
  ]);
const failed = await outcome(manager.call('h', 'negative_output'));
const next = await outcome(manager.call('h', 'echo', 'still here'));
console.log(JSON.stringify({ jspi: typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function', failed, next }));
Deno.exit(0);
