/**
 * How the engine gets Extism's `createPlugin`: loaded once, on first use, by whatever the
 * package entry set. Extism's Node build imports `node:wasi` at load, which prints
 * "ExperimentalWarning: WASI is an experimental feature" (our WASI is our own, src/wasi/): the
 * Node entry loads it lazily with that one warning dropped (src/runtime/node.ts), so importing
 * the package prints nothing. The other entries import Extism statically (src/engine/
 * extism-static.ts), so bundlers keep it in the main chunk (workerd runs one module).
 */
import type createPluginFunction from '@extism/extism';

/** Extism's `createPlugin`. */
export type CreatePlugin = typeof createPluginFunction;

let loader: () => Promise<CreatePlugin> = async () => (await import('@extism/extism')).default;
let loaded: Promise<CreatePlugin> | undefined;

/** Sets how Extism is loaded (package entries only, before the first plugin loads). */
export function setExtismLoader(load: () => Promise<CreatePlugin>): void {
  loader = load;
  loaded = undefined;
}

/** Extism's `createPlugin`, loading it on the first call. A failed load is retried next time. */
export function extismCreatePlugin(): Promise<CreatePlugin> {
  if (loaded === undefined) {
    const pending = loader();
    loaded = pending;
    pending.catch(() => {
      if (loaded === pending) loaded = undefined;
    });
  }
  return loaded;
}
