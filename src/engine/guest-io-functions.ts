/**
 * Host functions that move bytes between the host and the guest's own linear memory in one host
 * call, where Extism's stock ABI moves 8 bytes per call through its memory blocks. They need the
 * guest's exported `memory`, which the host reaches only inline; in a worker every one of them
 * answers "unavailable" and the SDK takes the stock path (docs/abi.md, "Fast I/O").
 */
import type { CallContext } from '@extism/extism';
import { MEMORY_BYTES_SHIFT } from '../instrument/constants.ts';
import type { HostFunction } from './extism-guest.ts';

/**
 * The status codes of the fast I/O functions (negative); a non-negative result is a byte count.
 *
 * @example
 * ```ts
 * if (result === GuestIoStatus.UNAVAILABLE) useStockPath();
 * ```
 */
export const GuestIoStatus = { UNAVAILABLE: -1, BAD_BLOCK: -2, OUT_OF_BOUNDS: -3, OVER_BUDGET: -4, OUT_OF_FUEL: -5 } as const;

/**
 * What a host-side copy costs the current call. Fuel counts guest instructions, so a copy the
 * host makes for one `call` instruction would otherwise be free: a guest could loop on it and
 * spend seconds of host CPU per call.
 */
export interface HostCharges {
  /**
   * Charges the fuel of copying `bytes`, at the rate the rewriter charges `memory.copy`; false
   * (and the fuel left at zero, so the guest stops at its next meter) when it runs out.
   */
  fuel(bytes: number): boolean;
  /** Charges `bytes` of new host buffers to the call's budget; false when it is spent. */
  buffer(bytes: number): boolean;
}

/**
 * The current call's input and the output the guest handed over directly, one per instance.
 * The engine fills `input` before each call and takes `output` after it.
 */
export interface CallBuffers {
  input: Uint8Array;
  output: Uint8Array | undefined;
}

const EMPTY = new Uint8Array(0);

/**
 * Charges host-side copies to an instrumented module's fuel counter (its exported i64 global),
 * which the guest reloads after every call it makes. Give it no counter for a module that does
 * not meter fuel (its counter holds 0 and nothing stops on it): then it charges nothing.
 */
export function fuelCharger(fuelOf: () => WebAssembly.Global | undefined): HostCharges['fuel'] {
  return (bytes) => {
    const units = bytes >>> MEMORY_BYTES_SHIFT;
    const fuel = fuelOf();
    if (fuel === undefined || units === 0) return true;
    const left = (fuel.value as bigint) - BigInt(units);
    // Below zero the guest's next meter stops the call with E_FUEL, and nothing is copied.
    fuel.value = left < 0n ? -1n : left;
    return left >= 0n;
  };
}

/** Empty buffers for one instance. */
export function callBuffers(): CallBuffers {
  return { input: EMPTY, output: undefined };
}

/**
 * The direct call I/O: input straight into guest memory, output straight out of it, with no
 * Extism block in between.
 *
 * - `reed_input_size() -> i32`: the input's length in bytes, or -1 when unavailable;
 * - `reed_input_read(dest: i32, length: i32) -> i32` copies up to `length` bytes of the input
 *   to `dest`; returns the count or a negative status;
 *
 * Every copy costs fuel by its size (see HostCharges), as the guest's own `memory.copy` would.
 * - `reed_output_write(src: i32, length: i32) -> i32` makes `length` bytes at `src` the call's
 *   output (a copy, charged to the call's host-buffer budget); returns the count or a negative
 *   status. Output written this way takes precedence over `output_set` in the same call.
 */
export function directIoFunctions(memoryOf: () => WebAssembly.Memory | undefined, io: CallBuffers, charge: HostCharges): Record<string, HostFunction> {
  return {
    reed_input_size(): number {
      return memoryOf() === undefined ? GuestIoStatus.UNAVAILABLE : io.input.byteLength;
    },
    reed_input_read(_context: CallContext, dest: number, length: number): number {
      const memory = memoryOf();
      if (memory === undefined) return GuestIoStatus.UNAVAILABLE;
      const input = io.input;
      const count = Math.min(length >>> 0, input.byteLength);
      const at = dest >>> 0;
      if (at + count > memory.buffer.byteLength) return GuestIoStatus.OUT_OF_BOUNDS;
      if (!charge.fuel(count)) return GuestIoStatus.OUT_OF_FUEL;
      new Uint8Array(memory.buffer, at, count).set(count === input.byteLength ? input : input.subarray(0, count));
      return count;
    },
    reed_output_write(_context: CallContext, src: number, length: number): number {
      const memory = memoryOf();
      if (memory === undefined) return GuestIoStatus.UNAVAILABLE;
      const at = src >>> 0;
      const count = length >>> 0;
      if (at + count > memory.buffer.byteLength) return GuestIoStatus.OUT_OF_BOUNDS;
      // Charged before copying (budget, then fuel): a guest rewriting its output in a loop must
      // not turn a little fuel into unbounded host copies.
      if (!charge.buffer(count)) return GuestIoStatus.OVER_BUDGET;
      if (!charge.fuel(count)) return GuestIoStatus.OUT_OF_FUEL;
      io.output = new Uint8Array(memory.buffer, at, count).slice();
      return count;
    },
  };
}

/**
 * Bulk copies between Extism blocks and the guest's own memory, one host call per payload
 * instead of one per 8 bytes (the stock ABI's `load_u64`/`store_u64`, ~28 MB/s):
 *
 * - `reed_block_read(block: i64, dest: i32, length: i32) -> i32` copies up to `length` bytes of
 *   a block (e.g. a config value or an HTTP body) to `dest`; returns the count, or a negative
 *   GuestIoStatus;
 * - `reed_block_write(src: i32, length: i32) -> i64` copies guest memory into a new block
 *   (e.g. an HTTP request body); returns 0 when unavailable, over the budget or out of fuel.
 *
 * Like the direct I/O, every copy is charged in one order: the host-buffer budget first for new
 * blocks (a copy it refuses costs no fuel), then the fuel, then the copy.
 */
export function bulkCopyFunctions(memoryOf: () => WebAssembly.Memory | undefined, charge: HostCharges): Record<string, HostFunction> {
  return {
    reed_block_read(context: CallContext, block: bigint, dest: number, length: number): number {
      const memory = memoryOf();
      if (memory === undefined) return GuestIoStatus.UNAVAILABLE;
      const data = context.read(block);
      if (data === null) return GuestIoStatus.BAD_BLOCK;
      const bytes = data.bytes();
      const count = Math.min(length >>> 0, bytes.byteLength);
      const at = dest >>> 0;
      if (at + count > memory.buffer.byteLength) return GuestIoStatus.OUT_OF_BOUNDS;
      if (!charge.fuel(count)) return GuestIoStatus.OUT_OF_FUEL;
      new Uint8Array(memory.buffer, at, count).set(bytes.subarray(0, count));
      return count;
    },
    reed_block_write(context: CallContext, src: number, length: number): bigint {
      const memory = memoryOf();
      if (memory === undefined) return 0n;
      const at = src >>> 0;
      const count = length >>> 0;
      // Over the budget, a guest could copy its memory into the host thousands of times per
      // call for a little fuel.
      if (at + count > memory.buffer.byteLength || !charge.buffer(count) || !charge.fuel(count)) return 0n;
      // Extism's own context (already charged above): it copies a view that is not a whole
      // buffer into a new block, which must own its bytes (guest memory changes and may grow).
      // A worker never gets here (no memory).
      try {
        return context.store(new Uint8Array(memory.buffer, at, count));
      } catch {
        // Past the call's block cap (the kernel has logged and reported that refusal): 0, as
        // documented, not a trap.
        return 0n;
      }
    },
  };
}

/**
 * What a plain Extism host (one without this package) can offer an AssemblyScript SDK plugin
 * for the ReedCMS I/O functions: every one answers "unavailable", so the SDK takes the stock
 * path and never sends frames.
 *
 * @example
 * ```ts
 * import createPlugin from '@extism/extism';
 * const plugin = await createPlugin(wasm, { functions: { 'extism:host/user': { ...STOCK_IO_FUNCTIONS, reed_publish_event: () => 1 } } });
 * ```
 */
export const STOCK_IO_FUNCTIONS = Object.freeze({
  reed_input_size: (): number => GuestIoStatus.UNAVAILABLE,
  reed_input_read: (): number => GuestIoStatus.UNAVAILABLE,
  reed_output_write: (): number => GuestIoStatus.UNAVAILABLE,
  reed_block_read: (): number => GuestIoStatus.UNAVAILABLE,
  reed_block_write: (): bigint => 0n,
  reed_frame_version: (): number => 0,
});
