/**
 * The fast path for payloads: the ReedCMS host copies whole blocks into and out of this module's
 * memory in one host call (`reed_block_read` / `reed_block_write`), where Extism's stock ABI
 * moves 8 bytes per call. Input, Output, Config and Http use it through sdk/assembly/memory.ts;
 * where the host cannot reach our memory (worker isolation) the first attempt says so and every
 * later copy takes the stock path without asking again.
 *
 * @example
 * ```ts
 * FastIO.setEnabled(false); // e.g. to measure the stock path
 * ```
 */
import { reed_block_read, reed_block_write } from "./env";

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
   * Turns the fast path on or off for this instance (on by default).
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
