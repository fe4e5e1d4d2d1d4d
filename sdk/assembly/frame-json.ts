/**
 * A frame turned back into JSON text, byte for byte what the host's `JSON.stringify` of the data
 * would have been: for `Input.bytes()` / `Input.string()` in a module that reads frames. Splices
 * the framed strings, JSON-escaped, into the JSON part where their `null`s stand, without
 * parsing anything into a tree (a 64 KiB page costs one pass over its bytes).
 *
 * @example
 * ```ts
 * const json = frameToJson(readInput()); // null when the bytes are not a well-formed frame
 * ```
 */
import { FrameEntry, parseFrame } from "./frame";

const HEX = "0123456789abcdef";

/**
 * The JSON text of a frame, or null when it is not well-formed (the caller then parses it).
 * @example `const text = frameToJson(bytes);`
 */
export function frameToJson(bytes: Uint8Array): Uint8Array | null {
  const layout = parseFrame(bytes);
  if (layout.error != "") return null;
  const entries = layout.entries;
  if (entries.length == 1 && entries[0].keyLength < 0) return quoted(entries[0].valueAt, entries[0].valueLength);
  return splice(layout.jsonAt, layout.jsonLength, entries);
}

/**
 * Walks the top-level members of the JSON part (compact JSON.stringify output) and replaces the
 * `null` of each framed member, in entry order, by its string.
 */
function splice(json: usize, length: i32, entries: Array<FrameEntry>): Uint8Array | null {
  if (length < 2 || load<u8>(json) != 0x7b) return null; // {
  // The keys as they appear between quotes in JSON.stringify's output, to find them there.
  const keys = new Array<Uint8Array>(entries.length);
  for (let k = 0; k < entries.length; k++) {
    if (entries[k].keyLength < 0) return null;
    keys[k] = escaped(entries[k].keyAt, entries[k].keyLength);
  }
  // Where each framed member's `null` starts, found first so the output is allocated once.
  const places = new Array<i32>();
  let next = 0;
  let i = 1;
  while (i < length && load<u8>(json + <usize>i) != 0x7d) {
    if (load<u8>(json + <usize>i) == 0x2c) i++; // ,
    const keyStart = i + 1;
    i = skipString(json, length, i);
    if (i < 0 || i >= length || load<u8>(json + <usize>i) != 0x3a) return null; // :
    const keyEnd = i - 1;
    const value = i + 1;
    i = skipValue(json, length, value);
    if (i < 0) return null;
    if (next < entries.length && i - value == 4 && load<u32>(json + <usize>value) == 0x6c6c756e && sameBytes(json + <usize>keyStart, keyEnd - keyStart, keys[next])) {
      places.push(value);
      next++;
    }
  }
  if (next != entries.length) return null;
  let size = length - 4 * entries.length;
  for (let k = 0; k < entries.length; k++) size += quotedLength(entries[k].valueAt, entries[k].valueLength);
  const out = new Uint8Array(size);
  let o = out.dataStart;
  let from = 0;
  for (let k = 0; k < places.length; k++) {
    memory.copy(o, json + <usize>from, <usize>(places[k] - from));
    o += <usize>(places[k] - from);
    o = writeQuoted(o, entries[k].valueAt, entries[k].valueLength);
    from = places[k] + 4;
  }
  memory.copy(o, json + <usize>from, <usize>(length - from));
  return out;
}

/** Index just past the string starting at `i` (a quote), or -1. */
function skipString(json: usize, length: i32, i: i32): i32 {
  if (i >= length || load<u8>(json + <usize>i) != 0x22) return -1;
  i++;
  while (i < length) {
    const c = load<u8>(json + <usize>i);
    if (c == 0x5c) i += 2;
    else if (c == 0x22) return i + 1;
    else i++;
  }
  return -1;
}

/** Index just past the value starting at `i`, or -1. */
function skipValue(json: usize, length: i32, i: i32): i32 {
  let depth = 0;
  while (i < length) {
    const c = load<u8>(json + <usize>i);
    if (c == 0x22) {
      i = skipString(json, length, i);
      if (i < 0) return -1;
      if (depth == 0) return i;
      continue;
    }
    if (c == 0x7b || c == 0x5b) depth++;
    else if (c == 0x7d || c == 0x5d) {
      if (depth == 0) return i;
      depth--;
      if (depth == 0) return i + 1;
    } else if (c == 0x2c && depth == 0) return i;
    i++;
  }
  return depth == 0 ? i : -1;
}

function sameBytes(at: usize, length: i32, bytes: Uint8Array): bool {
  if (length != bytes.length) return false;
  return memory.compare(at, bytes.dataStart, <usize>length) == 0;
}

/** How many bytes `c` takes inside a JSON string (JSON.stringify's escapes). */
// @ts-ignore: decorator
@inline
function escapedSize(c: u8): i32 {
  if (c == 0x22 || c == 0x5c) return 2;
  if (c >= 0x20) return 1;
  return c == 0x08 || c == 0x09 || c == 0x0a || c == 0x0c || c == 0x0d ? 2 : 6;
}

function quotedLength(at: usize, length: i32): i32 {
  let size = 2;
  for (let i = 0; i < length; i++) size += escapedSize(load<u8>(at + <usize>i));
  return size;
}

/** Writes `"…"` with the bytes escaped; returns the position after it. */
function writeQuoted(o: usize, at: usize, length: i32): usize {
  store<u8>(o++, 0x22);
  let from = 0;
  for (let i = 0; i < length; i++) {
    const c = load<u8>(at + <usize>i);
    if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
    memory.copy(o, at + <usize>from, <usize>(i - from));
    o += <usize>(i - from);
    from = i + 1;
    store<u8>(o++, 0x5c);
    if (c == 0x22 || c == 0x5c) store<u8>(o++, c);
    else if (c == 0x08) store<u8>(o++, 0x62);
    else if (c == 0x09) store<u8>(o++, 0x74);
    else if (c == 0x0a) store<u8>(o++, 0x6e);
    else if (c == 0x0c) store<u8>(o++, 0x66);
    else if (c == 0x0d) store<u8>(o++, 0x72);
    else {
      store<u8>(o++, 0x75);
      store<u8>(o++, 0x30);
      store<u8>(o++, 0x30);
      store<u8>(o++, <u8>HEX.charCodeAt(c >> 4));
      store<u8>(o++, <u8>HEX.charCodeAt(c & 15));
    }
  }
  memory.copy(o, at + <usize>from, <usize>(length - from));
  o += <usize>(length - from);
  store<u8>(o++, 0x22);
  return o;
}

function quoted(at: usize, length: i32): Uint8Array {
  const out = new Uint8Array(quotedLength(at, length));
  writeQuoted(out.dataStart, at, length);
  return out;
}

/** A key's bytes as they appear between the quotes in JSON.stringify's output. */
function escaped(at: usize, length: i32): Uint8Array {
  const q = quoted(at, length);
  return Uint8Array.wrap(q.buffer, 1, q.length - 2);
}
