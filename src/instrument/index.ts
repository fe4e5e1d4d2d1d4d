/**
 * WebAssembly binary rewriter that puts hard limits into a module itself: fuel metering,
 * memory and table caps and a call-depth limit. Dependency-free, web-standard APIs only (Uint8Array,
 * TextEncoder/TextDecoder, and WebAssembly.validate when present), so it runs in browsers, Node,
 * Deno, workerd and at build time. See docs/instrument.md for the cost model.
 *
 * @example
 * ```ts
 * const { bytes } = instrument(wasm, { defaultFuel: 1_000_000n, memoryMaxPages: 256, maxCallDepth: 1000 });
 * const { instance } = await WebAssembly.instantiate(bytes, imports);
 * const g = instance.exports as Record<string, WebAssembly.Global>;
 * g[INSTRUMENT_EXPORTS.fuelBudget]!.value = 5000n;
 * (instance.exports.run as () => void)();
 * const used = 5000n - (g[INSTRUMENT_EXPORTS.fuel]!.value as bigint);
 * ```
 */
import { InstrumentError } from './errors.ts';
import { LimitReason } from './constants.ts';
import { writeModule } from './module-writer.ts';
import { scanModule } from './module-scan.ts';
import { type HostCallOptions, type ResolvedOptions, makePlan } from './plan.ts';

export { InstrumentError } from './errors.ts';
export { INSTRUMENT_EXPORTS, LimitReason, RETURN_CODE_SIGNAL } from './constants.ts';
export { GrowKind } from './constants.ts';
export { LIMITS_SECTION, readModuleLimits, type ModuleLimits } from './limits-section.ts';
export type { HostCallOptions } from './plan.ts';

/**
 * Options of {@link instrument}.
 *
 * @example
 * ```ts
 * const options: InstrumentOptions = { memoryMaxPages: 256, maxCallDepth: 2_000 };
 * const { bytes } = instrument(wasm, options);
 * ```
 */
export interface InstrumentOptions {
  /** Meter instructions (default true). */
  fuel?: boolean;
  /** Budget baked into the module, used when the host cannot set it (e.g. worker mode); default 1_000_000n. */
  defaultFuel?: bigint;
  /** Cap, in 64 KiB pages, for the (defined or imported) memory; undefined leaves it alone. */
  memoryMaxPages?: number;
  /** Maximum call depth; undefined or 0 means no limit. */
  maxCallDepth?: number;
  /** An imported `(func (param i32))` called with the reason code right before a limit trap (and when memory.grow fails). */
  limitImport?: { module: string; name: string };
  /**
   * Also call the limit import when an exported `() -> i32` function returns nonzero (Extism's
   * convention for a failed call): `RETURN_CODE_SIGNAL`, then the code. Default false.
   */
  signalReturnCodes?: boolean;
  /** Cap on the elements of all tables together (and so of each); undefined leaves tables alone. */
  maxTableElements?: number;
  /**
   * An imported `(func (param $kind i32) (param $index i32) (param $newSize i32) (result i32))`
   * asked before every memory.grow (kind 0, pages) and table.grow (kind 1, elements) whether the
   * new size is allowed (nonzero: yes), e.g. a host-wide memory budget. See grow-helpers.ts.
   */
  growImport?: { module: string; name: string };
  /**
   * Guards in front of the host's kernel functions: a per-call budget for the buffers the host
   * creates for the guest, and fresh copies of blocks a host in another thread would see stale
   * (host-call-guards.ts). Undefined: no guards.
   */
  hostCalls?: HostCallOptions;
  /**
   * Run the start function, and exported `_initialize` / `_start` (which Extism calls while
   * instantiating), from an added `__reed_start` export instead: once, on a call's fresh fuel
   * and host budgets, and before any other export runs. Code run while instantiating is out of
   * a host's reach (in a worker its limit report cannot even be delivered). `__reed_start` is
   * added even when there is nothing to run: a module exporting it runs none of its code while
   * being instantiated. Default false.
   */
  deferStart?: boolean;
  /**
   * For profiling tools only (it slows every call): an imported `(func (param $fn i32) (param
   * $enter i32))` called on entry (1) and exit (0) of every defined function, with the
   * function's output index, through a wrapper each call and reference goes to. A host reading
   * `__reed_fuel` there learns the fuel each function used.
   */
  profileImport?: { module: string; name: string };
  /** Check the input with `WebAssembly.validate` when the runtime has it (default true), so invalid input is an error, not invalid output. */
  validate?: boolean;
}

/**
 * Output of {@link instrument}.
 *
 * @example
 * ```ts
 * const { bytes, stats }: InstrumentResult = instrument(wasm);
 * console.log(`${stats.meteredBlocks} blocks metered, ${stats.inputBytes} → ${stats.outputBytes} bytes`);
 * ```
 */
export interface InstrumentResult {
  /** The instrumented module (backed by a plain ArrayBuffer, so it is a valid BufferSource). */
  bytes: Uint8Array<ArrayBuffer>;
  stats: { functions: number; meteredBlocks: number; inputBytes: number; outputBytes: number };
}

/**
 * Default fuel budget baked into an instrumented module.
 *
 * @example
 * ```ts
 * const { bytes } = instrument(wasm, { defaultFuel: DEFAULT_FUEL * 5n });
 * ```
 */
export const DEFAULT_FUEL = 1_000_000n;

/**
 * Rewrites `bytes` so the module meters its own fuel, caps its memory and bounds its call depth.
 * Throws only `InstrumentError` (code `E_INSTRUMENT`).
 *
 * @example
 * ```ts
 * const { bytes: limited, stats } = instrument(bytes, { memoryMaxPages: 16, maxCallDepth: 500 });
 * ```
 */
export function instrument(bytes: Uint8Array, options: InstrumentOptions = {}): InstrumentResult {
  try {
    if (!(bytes instanceof Uint8Array)) throw new InstrumentError('module bytes must be a Uint8Array');
    const opts = resolveOptions(options);
    if (options.validate !== false) validateInput(bytes);
    const info = scanModule(bytes);
    const plan = makePlan(info, opts);
    const { bytes: out, meters } = writeModule(bytes, plan);
    return {
      bytes: out,
      stats: { functions: info.funcTypes.length - info.importedFuncs, meteredBlocks: meters, inputBytes: bytes.length, outputBytes: out.length },
    };
  } catch (error) {
    if (error instanceof InstrumentError) throw error;
    // Defence in depth: a bug or exhausted memory must still surface as the typed error.
    throw new InstrumentError(`cannot instrument module: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function resolveOptions(options: InstrumentOptions): ResolvedOptions {
  const defaultFuel = options.defaultFuel ?? DEFAULT_FUEL;
  if (typeof defaultFuel !== 'bigint' || defaultFuel < 0n || defaultFuel >= 1n << 63n) {
    throw new InstrumentError('defaultFuel must be a bigint in [0, 2^63)');
  }
  const cap = options.memoryMaxPages;
  if (cap !== undefined && (!Number.isInteger(cap) || cap < 0)) throw new InstrumentError('memoryMaxPages must be a non-negative integer');
  const depth = options.maxCallDepth ?? 0;
  if (!Number.isInteger(depth) || depth < 0 || depth > 0x7fffffff) throw new InstrumentError('maxCallDepth must be an integer in [0, 2^31)');
  const limit = options.limitImport;
  if (limit !== undefined && (typeof limit.module !== 'string' || typeof limit.name !== 'string')) {
    throw new InstrumentError('limitImport needs string module and name');
  }
  const grow = options.growImport;
  if (grow !== undefined && (typeof grow.module !== 'string' || typeof grow.name !== 'string')) {
    throw new InstrumentError('growImport needs string module and name');
  }
  if (grow !== undefined && limit !== undefined && grow.module === limit.module && grow.name === limit.name) {
    throw new InstrumentError('growImport and limitImport must be different functions');
  }
  const tables = options.maxTableElements;
  if (tables !== undefined && (!Number.isInteger(tables) || tables < 0 || tables > 0xffff_ffff)) {
    throw new InstrumentError('maxTableElements must be an integer in [0, 2^32)');
  }
  const hostCalls = options.hostCalls;
  if (hostCalls !== undefined && (typeof hostCalls.budgetBytes !== 'bigint' || hostCalls.budgetBytes < 0n || hostCalls.budgetBytes >= 1n << 63n)) {
    throw new InstrumentError('hostCalls.budgetBytes must be a bigint in [0, 2^63)');
  }
  return {
    fuel: options.fuel ?? true,
    defaultFuel,
    memoryMaxPages: cap,
    maxCallDepth: depth,
    limitImport: limit,
    maxTableElements: tables,
    growImport: grow,
    signalReturnCodes: options.signalReturnCodes === true,
    hostCalls,
    deferStart: options.deferStart ?? false,
    profileImport: options.profileImport,
  };
}

function validateInput(bytes: Uint8Array): void {
  const wasm = (globalThis as { WebAssembly?: { validate?: (b: Uint8Array) => boolean } }).WebAssembly;
  if (typeof wasm?.validate !== 'function') return;
  let valid: boolean;
  try {
    valid = wasm.validate(bytes);
  } catch {
    return; // an embedder that forbids it (none known): fall back to our own checks
  }
  if (!valid) throw new InstrumentError('input is not a valid WebAssembly module (or uses features this runtime lacks)');
}

/** Sanity: keep the reason codes importable from here as the contract says. */
export type LimitReasonCode = (typeof LimitReason)[keyof typeof LimitReason];
