/**
 * Imported for its effect, first, by a plugin's own worker (before Extism loads): removes JSPI
 * (`WebAssembly.Suspending`, `WebAssembly.promising`) from the worker. Where JSPI exists, Extism
 * serves `http_request` itself, with its own HttpContext in place of the host's function (it
 * checks for JSPI once, when it loads); in this worker that would bypass the host's network
 * policy and its fetch. Nothing here needs JSPI: every host call of this worker is a
 * synchronous round trip (src/engine/worker-channel.ts). The worker's global scope is its own.
 */
const wasm = WebAssembly as unknown as Record<string, unknown>;
for (const name of ['Suspending', 'promising']) {
  if (!(name in wasm)) continue;
  // A property that cannot be deleted still takes a new value.
  if (!Reflect.deleteProperty(wasm, name)) Reflect.defineProperty(wasm, name, { value: undefined });
}

export {};
