/**
 * Copies bytes between the plugin's linear memory and Extism memory blocks.
 *
 * The ReedCMS host copies whole blocks in one call (FastIO); elsewhere (worker isolation, or
 * FastIO disabled) the stock kernel's 1- and 8-byte loads/stores move 8 bytes per host call and
 * finish with single bytes, the cheapest the plain Extism ABI allows.
 *
 * @example
 * ```ts
 * const block = blockFromString("héllo"); // 6 UTF-8 bytes
 * const text = stringFromBlock(block);    // "héllo"
 * ```
 */
import { alloc, input_length, input_load_u64, input_load_u8, length, load_u64, load_u8, store_u64, store_u8 } from "./env";
import { FastIO } from "./fast-io";

/**
 * Allocates a block of exactly `bytes.length` bytes and copies `bytes` into it.
 * The host reads a whole block (not the length passed to output_set), so the size must be exact.
 *
 * @example
 * ```ts
 * const block = blockFromBytes(Uint8Array.wrap(String.UTF8.encode("ok")));
 * ```
 */
export function blockFromBytes(bytes: Uint8Array): u64 {
  const size = bytes.length;
  const fast = FastIO.writeBlock(bytes.dataStart, size);
  if (fast != 0) return fast;
  const block = alloc(<u64>size);
  const base = bytes.dataStart;
  let i = 0;
  for (; i + 8 <= size; i += 8) {
    store_u64(block + <u64>i, load<u64>(base + <usize>i));
  }
  for (; i < size; i++) {
    store_u8(block + <u64>i, load<u8>(base + <usize>i));
  }
  return block;
}

/**
 * Encodes `text` as UTF-8 (no terminating NUL) into a new block of exactly its byte length.
 *
 * @example
 * ```ts
 * const block = blockFromString("→"); // 3 bytes
 * ```
 */
export function blockFromString(text: string): u64 {
  return blockFromBytes(Uint8Array.wrap(String.UTF8.encode(text, false)));
}

/**
 * Copies a whole block into a new Uint8Array; block 0 (no block) gives an empty array.
 *
 * @example
 * ```ts
 * const bytes = bytesFromBlock(config_get(key));
 * ```
 */
export function bytesFromBlock(block: u64): Uint8Array {
  if (block == 0) return new Uint8Array(0);
  const size = <i32>length(block);
  const out = new Uint8Array(size);
  const base = out.dataStart;
  if (FastIO.readBlock(block, base, size)) return out;
  let i = 0;
  for (; i + 8 <= size; i += 8) {
    store<u64>(base + <usize>i, load_u64(block + <u64>i));
  }
  for (; i < size; i++) {
    store<u8>(base + <usize>i, load_u8(block + <u64>i));
  }
  return out;
}

/**
 * Decodes a whole block as UTF-8.
 *
 * @example
 * ```ts
 * const value = stringFromBlock(config_get(key));
 * ```
 */
export function stringFromBlock(block: u64): string {
  const bytes = bytesFromBlock(block);
  return String.UTF8.decodeUnsafe(bytes.dataStart, <usize>bytes.length, false);
}

/**
 * Copies the current call's input into a new Uint8Array.
 *
 * @example
 * ```ts
 * const input = readInput();
 * ```
 */
export function readInput(): Uint8Array {
  const direct = FastIO.inputSize();
  if (direct >= 0) {
    const copy = new Uint8Array(direct);
    if (FastIO.readInput(copy.dataStart, direct)) return copy;
  }
  // The stock path. (A block copy of the input block would fail here too: the direct read
  // fails only where the host cannot reach our memory, or the call's fuel is spent.)
  const size = <i32>input_length();
  const out = new Uint8Array(size);
  const base = out.dataStart;
  let i = 0;
  for (; i + 8 <= size; i += 8) {
    store<u64>(base + <usize>i, input_load_u64(<u64>i));
  }
  for (; i < size; i++) {
    store<u8>(base + <usize>i, input_load_u8(<u64>i));
  }
  return out;
}
