/**
 * Instrumenting a plugin module under a plugin's limits, the one way the manager (raw bytes at
 * load) and the build tools (precompile, the Vite plugin) do it. Loaded lazily by the host: a
 * frontend bundle whose modules arrive pre-instrumented never downloads the rewriter.
 */
import { instrument, type InstrumentOptions } from '../instrument/index.ts';
import type { RequestedLimits } from '../manifest/types.ts';
import { instrumentOptions, resolveLimits, type EffectiveLimits, type HostLimits } from './limits.ts';
import { linkWasi } from '../wasi/wasi-link.ts';

/**
 * The module under `limits`: WASI linked to the host (src/wasi/wasi-link.ts), then rewritten
 * to meter fuel, cap memory and tables and bound call depth. `extra` adds rewriter options
 * (the manager's `validate: false` after its own check, a fuel profile's import).
 */
export function instrumentWithLimits(bytes: Uint8Array, limits: EffectiveLimits, extra: InstrumentOptions = {}): Uint8Array<ArrayBuffer> {
  return instrument(linkWasi(bytes), { ...instrumentOptions(limits), ...extra }).bytes;
}

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
  return instrumentWithLimits(bytes, resolveLimits(hostLimits, requested));
}
