/**
 * How the engine gets Extism's `createPlugin`: loaded once, on first use, the way the runtime's
 * `#runtime` target says. Extism's Node build imports `node:wasi` at load, which prints
 * "ExperimentalWarning: WASI is an experimental feature" (our WASI is our own, src/wasi/): on
 * Node it is loaded lazily with that one warning dropped (src/runtime/node.ts), so importing the
 * package prints nothing. Only worker isolation needs it (inline guests run on the host's own
 * kernel): browsers import it on first use, Deno statically (src/engine/extism-static.ts), and
 * workerd, which has no workers, never.
 */
import { loadExtism } from '#runtime';
import type createPluginFunction from '@extism/extism';
import { cachedImport } from '../util/cached-import.ts';

/** Extism's `createPlugin`. */
export type CreatePlugin = typeof createPluginFunction;

const extism = cachedImport(loadExtism);

/** Extism's `createPlugin`, loading it on the first call. A failed load is retried next time. */
export function extismCreatePlugin(): Promise<CreatePlugin> {
  return extism.get();
}
