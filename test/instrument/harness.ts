/**
 * Test harness for the rewriter: compile WAT, instrument, instantiate with plain WebAssembly,
 * and read the added globals.
 *
 * @example
 * ```ts
 * const m = await load('(module (func (export "f")))', { maxCallDepth: 10 });
 * m.call('f'); m.fuelUsed();
 * ```
 */
import { compileWat as compileWatBase } from '../support/wat.ts';
import { INSTRUMENT_EXPORTS, type InstrumentOptions, instrument } from '../../src/instrument/index.ts';

/** A loaded instrumented module with accessors for the limit globals. */
export interface Loaded {
  instance: WebAssembly.Instance;
  exports: Record<string, unknown>;
  bytes: Uint8Array<ArrayBuffer>;
  /** Calls an export by name. */
  call: (name: string, ...args: unknown[]) => unknown;
  fuelUsed: () => bigint;
  reason: () => number;
  setBudget: (fuel: bigint) => void;
  limitCalls: number[];
}

/**
 * Compiles WAT (or takes bytes), instruments it, checks it validates and instantiates it.
 *
 * @example
 * ```ts
 * const m = await load(wat, { memoryMaxPages: 2 });
 * ```
 */
export async function load(source: string | Uint8Array, options: InstrumentOptions = {}, imports: WebAssembly.Imports = {}): Promise<Loaded> {
  const input = typeof source === 'string' ? await compileWat(source) : source;
  const { bytes } = instrument(input, options);
  if (!WebAssembly.validate(bytes)) throw new Error('instrumented module does not validate');
  const limitCalls: number[] = [];
  const all: WebAssembly.Imports = { ...imports };
  if (options.limitImport) {
    all[options.limitImport.module] = { ...all[options.limitImport.module], [options.limitImport.name]: (r: number) => void limitCalls.push(r) };
  }
  const { instance } = await WebAssembly.instantiate(bytes, all);
  const exports = instance.exports as Record<string, unknown>;
  const global = (name: string): WebAssembly.Global => exports[name] as WebAssembly.Global;
  return {
    instance,
    exports,
    bytes,
    call: (name, ...args) => (exports[name] as (...a: unknown[]) => unknown)(...args),
    fuelUsed: () => (global(INSTRUMENT_EXPORTS.fuelBudget).value as bigint) - (global(INSTRUMENT_EXPORTS.fuel).value as bigint),
    reason: () => global(INSTRUMENT_EXPORTS.reason).value as number,
    setBudget: (fuel) => {
      global(INSTRUMENT_EXPORTS.fuelBudget).value = fuel;
    },
    limitCalls,
  };
}

/**
 * Runs `fn` and returns the error it throws (fails if it does not throw).
 *
 * @example
 * ```ts
 * expect(trap(() => m.call('spin'))).toBeInstanceOf(WebAssembly.RuntimeError);
 * ```
 */
export function trap(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a trap');
}

/**
 * compileWat typed as ArrayBuffer-backed bytes, so they can go straight to WebAssembly APIs.
 *
 * @example
 * ```ts
 * const bytes = await compileWat('(module)');
 * ```
 */
export async function compileWat(source: string, filename?: string): Promise<Uint8Array<ArrayBuffer>> {
  return (await compileWatBase(source, filename)) as Uint8Array<ArrayBuffer>;
}
