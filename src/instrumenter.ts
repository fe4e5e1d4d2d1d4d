/**
 * `@reedcms/plugins/instrument`: the module rewriter on its own, for build steps and tools
 * (docs/instrument.md). The manager instruments raw bytes itself at load, and `precompile` is on
 * the package's root; this subpath keeps the rewriter out of bundles that never call it.
 *
 * @example
 * ```ts
 * import { instrument, INSTRUMENT_EXPORTS } from '@reedcms/plugins/instrument';
 * const { bytes } = instrument(wasm, { memoryMaxPages: 16, maxCallDepth: 500 });
 * ```
 */
export { instrument, InstrumentError, INSTRUMENT_EXPORTS, LimitReason, DEFAULT_FUEL } from './instrument/index.ts';
export type { InstrumentOptions, InstrumentResult } from './instrument/index.ts';
export { instrumentForLimits } from './plugin/apply-limits.ts';
export { linkWasi } from './wasi/wasi-link.ts';
