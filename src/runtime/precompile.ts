/**
 * Instrumenting a plugin module ahead of time, exactly as the manager does at load: for runtimes
 * that cannot compile WebAssembly at run time (workerd), and for build tools (the Vite plugin)
 * that ship modules ready to instantiate. The manager accepts a `WebAssembly.Module` only when
 * it carries the instrumentation globals, so the two paths must agree; both derive the
 * instrument options from the same resolved limits.
 */
import { instrument } from '../instrument/index.ts';
import type { HostLimits } from '../plugin/limits.ts';
import type { RequestedLimits } from '../manifest/types.ts';
import { instrumentOptions, resolveLimits } from '../plugin/limits.ts';
import { linkWasi } from '../wasi/wasi-link.ts';

/**
 * Rewrites plugin bytes so they meter fuel, cap memory and bound call depth under the limits the
 * manager would give this plugin (host limits capped by the manifest's `[limits]`). Throws
 * `InstrumentError` (`E_INSTRUMENT`) on a module it cannot rewrite.
 *
 * @example
 * ```ts
 * const metadata = parseManifest(tomlText);
 * const bytes = instrumentForLimits(wasm, { fuel: 1_000_000, memoryBytes: 16 << 20 }, metadata.limits);
 * await writeFile('dist/seo.wasm', bytes);   // then `import seo from './seo.wasm'` in a Worker
 * ```
 */
export function instrumentForLimits(bytes: Uint8Array, hostLimits: HostLimits = {}, requested: RequestedLimits = {}): Uint8Array<ArrayBuffer> {
  // The same mapping the manager uses at load, so the module gets exactly the manager's limits.
  // WASI linked to the host as at load (src/wasi/wasi-link.ts).
  return instrument(linkWasi(bytes), instrumentOptions(resolveLimits(hostLimits, requested))).bytes;
}

/**
 * Instruments and compiles in one step (where the runtime allows compiling), giving a module
 * `manager.load({ manifest, wasm: module })` accepts.
 *
 * @example
 * ```ts
 * const module = await precompile(bytes, { memoryBytes: 16 << 20 });
 * await manager.load({ manifest: tomlText, wasm: module });
 * ```
 */
export function precompile(bytes: Uint8Array, hostLimits: HostLimits = {}, requested: RequestedLimits = {}): Promise<WebAssembly.Module> {
  return WebAssembly.compile(instrumentForLimits(bytes, hostLimits, requested));
}
