/**
 * Prepares plugin modules for running: instruments the bytes with the plugin's limits (fuel,
 * memory cap, call depth) and compiles them, once per (bytes, limits) pair, keyed by content
 * hash. A `WebAssembly.Module` handed over as is must already be instrumented (by the build
 * plugin), because a compiled module's bytes cannot be read back.
 */
import { compileModule } from '../engine/extism-guest.ts';
import { ErrorCodes, GuestError, PluginError, describeError } from '../errors.ts';
import { INSTRUMENT_EXPORTS, LimitReason } from '../instrument/constants.ts';
import { InstrumentError } from '../instrument/errors.ts';
import { LIMIT_IMPORT, PROFILE_IMPORT, instrumentationKey, type EffectiveLimits } from '../plugin/limits.ts';
import type { PreparedModule } from '../plugin/types.ts';
import { sha256Hex } from '../util/sha256.ts';

export { LIMIT_IMPORT };

/** A content-addressed cache of instrumented, compiled modules. */
export class ModuleCache {
  readonly #modules = new Map<string, Promise<PreparedModule>>();
  readonly #limit: number;
  readonly #profile: boolean;

  /**
   * @param limit how many modules to keep; the oldest is dropped first.
   * @param profile instrument for fuel profiles (every function reports entry and exit: slower).
   */
  constructor(limit = 64, profile = false) {
    this.#limit = limit;
    this.#profile = profile;
  }

  /**
   * Instruments and compiles bytes (or checks a compiled module), reusing earlier work for the
   * same bytes and limits.
   *
   * @throws PluginError `E_WASM` (not WebAssembly, wrong sha256), `E_INSTRUMENT`.
   */
  async prepare(input: { bytes: Uint8Array; sha256?: string | undefined } | { module: WebAssembly.Module }, limits: EffectiveLimits, pluginId: string): Promise<PreparedModule> {
    if ('module' in input) return checkPrecompiled(input.module, pluginId);
    const sha256 = await sha256Hex(input.bytes);
    if (input.sha256 !== undefined && input.sha256 !== sha256) {
      throw new PluginError(ErrorCodes.WASM, `the module's sha256 is ${sha256}, the manifest expects ${input.sha256}`, { pluginId, operation: 'load' });
    }
    const key = `${sha256}:${instrumentationKey(limits)}${this.#profile ? ':profile' : ''}`;
    let pending = this.#modules.get(key);
    if (pending === undefined) {
      pending = instrumentAndCompile(input.bytes, limits, pluginId, sha256, this.#profile);
      this.#modules.set(key, pending);
      // A failure must not poison the cache: the next attempt tries again.
      pending.catch(() => this.#modules.delete(key));
      if (this.#modules.size > this.#limit) {
        const oldest = this.#modules.keys().next().value;
        if (oldest !== undefined) this.#modules.delete(oldest);
      }
    }
    return pending;
  }

  /** How many prepared modules are cached. */
  get size(): number {
    return this.#modules.size;
  }
}

async function instrumentAndCompile(bytes: Uint8Array, limits: EffectiveLimits, pluginId: string, sha256: string, profile: boolean): Promise<PreparedModule> {
  // Reject non-wasm with the engine's own words before the rewriter sees it.
  if (!WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) await compileModule(bytes, pluginId);
  let instrumented: Uint8Array;
  // Loaded here, on the first raw module, so a frontend bundle given only pre-instrumented
  // modules (the Vite plugin) never downloads the rewriter (a chunk of its own).
  const { instrumentWithLimits } = await import('../plugin/apply-limits.ts');
  try {
    // Validated just above: the rewriter need not run WebAssembly.validate a second time.
    // WASI imports and a reactor's _initialize are moved out of Extism's reach first.
    instrumented = instrumentWithLimits(bytes, limits, { validate: false, ...(profile ? { profileImport: PROFILE_IMPORT } : {}) });
  } catch (err) {
    const message = `cannot apply the plugin's limits to its module: ${describeError(err)}`;
    // A module over a cap (declared minimums, element segments) is refused before the engine allocates it.
    const limit = !(err instanceof InstrumentError)
      ? undefined
      : err.reason === LimitReason.MEMORY
        ? { name: 'memoryBytes', value: limits.memoryBytes }
        : err.reason === LimitReason.TABLE
          ? { name: 'maxTableElements', value: limits.maxTableElements }
          : undefined;
    if (limit !== undefined) throw new GuestError(ErrorCodes.MEMORY, message, { pluginId, cause: err, operation: 'instrument', limit });
    throw new PluginError(ErrorCodes.INSTRUMENT, message, { pluginId, cause: err, operation: 'instrument' });
  }
  return { module: await compileModule(instrumented, pluginId), instrumented: true, sha256 };
}

function checkPrecompiled(module: WebAssembly.Module, pluginId: string): PreparedModule {
  const globals = new Set(
    WebAssembly.Module.exports(module)
      .filter((e) => e.kind === 'global')
      .map((e) => e.name),
  );
  if (!globals.has(INSTRUMENT_EXPORTS.fuel) || !globals.has(INSTRUMENT_EXPORTS.reason)) {
    throw new PluginError(
      ErrorCodes.INSTRUMENT,
      'a WebAssembly.Module cannot be given limits at run time (its bytes are gone): pass the bytes, or instrument it at build time (instrument() or the Vite plugin)',
      { pluginId, operation: 'load' },
    );
  }
  return { module, instrumented: true, sha256: undefined };
}
