/**
 * The fast path for payloads: the ReedCMS host copies the call's input into this module's memory
 * and takes its output from it in one host call each (`reed_input_read` / `reed_output_write`,
 * no Extism block in between), and copies whole blocks in one call (`reed_block_read` /
 * `reed_block_write`), where Extism's stock ABI moves 8 bytes per call. Input, Output, Config
 * and Http use it through sdk/assembly/memory.ts and output.ts;
 * where the host cannot reach our memory (worker isolation) the first attempt says so and every
 * later copy takes the stock path without asking again.
 *
 * @example
 * ```ts
 * FastIO.setEnabled(false); // e.g. to measure the stock path
 * ```
 */
import { reed_block_read, reed_block_write, reed_input_read, reed_input_size, reed_output_write } from "./env";

/** 0: not tried yet, 1: works, -1: unavailable on this instance. */
let state: i32 = 0;

/**
 * Below this size the stock path is as fast: a bulk copy costs one host call whose fixed price
 * (the host looks the block up and views our memory) is worth ~64 bytes of 8-byte stock copies (measured: the crossover lies between 16 and 128 bytes).
 */
const FAST_MIN_BYTES: i32 = 64;
let enabled: bool = true;

export namespace FastIO {
  /**
   * Turns the fast path on or off for this instance (on by default). Switch it in `initialize`
   * or between calls: the host keeps output handed over directly as the call's output even if
   * a later `Output.*` in the same call takes the stock path (docs/abi.md, "Fast I/O").
   * @example `FastIO.setEnabled(Config.getOr("fast_io", "1") != "0");`
   */
  export function setEnabled(on: bool): void {
    enabled = on;
  }

  /**
   * Whether copies currently try the fast path.
   * @example `Log.info(FastIO.active() ? "fast" : "stock");`
   */
  export function active(): bool {
    return enabled && state >= 0;
  }

  /**
   * The current call's input length, or -1 when the caller must use the stock path. Any size:
   * two host calls replace `input_length` and one `input_load_*` call per 8 bytes.
   * @example `const size = FastIO.inputSize();`
   */
  export function inputSize(): i32 {
    if (!enabled || state < 0) return -1;
    const size = reed_input_size();
    if (size < 0) state = -1;
    return size;
  }

  /**
   * Copies the current call's whole input (`length` bytes, from inputSize) to `dest`.
   * @example `if (FastIO.readInput(out.dataStart, size)) return out;`
   */
  export function readInput(dest: usize, length: i32): bool {
    return length == 0 || reed_input_read(dest, <u32>length) == length;
  }

  /**
   * Makes `length` bytes at `src` the call's output; false when the caller must use the stock
   * path (`alloc`, stores, `output_set`). Any size: one host call replaces at least three.
   * @example `if (!FastIO.writeOutput(data.dataStart, data.length)) output_set(blockFromBytes(data), data.length);`
   */
  export function writeOutput(src: usize, length: i32): bool {
    if (!enabled || state < 0) return false;
    const taken = reed_output_write(src, <u32>length);
    if (taken == length) {
      state = 1;
      return true;
    }
    if (taken == -1) state = -1;
    return false;
  }

  /**
   * Copies `length` bytes of `block` to `dest`; false when the caller must use the stock path.
   * @example `if (!FastIO.readBlock(block, out.dataStart, size)) slowCopy();`
   */
  export function readBlock(block: u64, dest: usize, length: i32): bool {
    if (!enabled || state < 0 || length < FAST_MIN_BYTES) return false;
    const copied = reed_block_read(block, dest, <u32>length);
    if (copied == length) {
      state = 1;
      return true;
    }
    if (copied == -1) state = -1;
    return false;
  }

  /**
   * A new block holding `length` bytes at `src`, or 0 when the caller must use the stock path.
   * @example `let block = FastIO.writeBlock(bytes.dataStart, bytes.length);`
   */
  export function writeBlock(src: usize, length: i32): u64 {
    if (!enabled || state < 0 || length < FAST_MIN_BYTES) return 0;
    const block = reed_block_write(src, <u32>length);
    if (block != 0) state = 1;
    else if (state == 0) state = -1;
    return block;
  }
}
