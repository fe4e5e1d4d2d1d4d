/**
 * Frames: hook data with its long strings as raw UTF-8 beside the JSON, so a 64 KiB page never
 * goes through JSON escaping on the way in or JSON unescaping on the way out (on Node 20
 * `JSON.stringify` alone costs ~4.5 ns per character: ~300 µs for a 64 KiB page, per plugin,
 * per hook). The layout is in docs/abi.md ("Frames"); in short, little-endian:
 *
 * ```
 * 00 52 46 01            magic "\0RF" and version 1 (JSON text never starts with a NUL byte)
 * u32 count, u32 jsonLength
 * count × (u32 keyLength, key bytes, u32 valueLength)   keyLength 0xFFFFFFFF: the whole value
 * JSON bytes             the data, with each framed member written as null
 * value bytes            each framed string as UTF-8, in entry order
 * ```
 *
 * Only top-level string members (or a top-level string) are framed: that is where pages keep
 * their HTML, and it keeps both ends simple. The host sends frames only to modules that import
 * `reed_frame_version` (the AssemblyScript SDK's `Input.json` does); it accepts frames from any
 * module.
 */
import { ErrorCodes, GuestError, describeError } from '../errors.ts';
import { decodeJson, encodeJson } from './json-codec.ts';

/** The frame version this host reads and writes. */
export const FRAME_VERSION = 1;
/** Strings shorter than this (in UTF-16 units) stay in the JSON: framing them gains nothing. */
export const FRAME_MIN_CHARS = 1024;

const HEADER_BYTES = 12;
const ROOT_KEY = 0xffff_ffff;
const encoder = new TextEncoder();
// ignoreBOM: a framed string that starts with U+FEFF keeps it (the default strips it).
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Serializes data for a plugin call: a frame when `framed` and the data has a top-level string
 * of at least FRAME_MIN_CHARS, JSON text otherwise.
 *
 * @throws GuestError `E_INPUT` when the data is not JSON-serializable.
 */
export function encodeInput(data: unknown, framed: boolean, pluginId: string, operation: string): string | Uint8Array {
  if (framed) {
    let plan: FramePlan | undefined;
    try {
      plan = planFrame(data);
    } catch (err) {
      // A getter that throws: the same E_INPUT JSON.stringify's throw would give.
      throw new GuestError(ErrorCodes.INPUT, `${operation}: the input is not JSON-serializable: ${describeError(err)}`, { pluginId, cause: err, operation });
    }
    if (plan !== undefined) return encodeFrame(plan, pluginId, operation);
  }
  return encodeJson(data, pluginId, operation);
}

/**
 * {@link encodeInput} as the bytes a call hands the engine (UTF-8 JSON or a frame): the one
 * place a call's input is encoded, so size checks and the engine see the same bytes.
 *
 * @throws GuestError `E_INPUT` as encodeInput does.
 */
export function encodeInputBytes(data: unknown, framed: boolean, pluginId: string, operation: string): Uint8Array {
  const input = encodeInput(data, framed, pluginId, operation);
  return typeof input === 'string' ? encoder.encode(input) : input;
}

/**
 * Parses a plugin's output: a frame (first byte 0) or UTF-8 JSON; empty output is `undefined`.
 *
 * @throws GuestError `E_OUTPUT` when the bytes are neither a well-formed frame nor UTF-8 JSON.
 */
export function decodeOutput(bytes: Uint8Array, pluginId: string, operation: string): unknown {
  if (bytes.byteLength === 0 || bytes[0] !== 0) return decodeJson(bytes, pluginId, operation);
  try {
    return decodeFrame(bytes);
  } catch (err) {
    throw new GuestError(ErrorCodes.OUTPUT, `${operation}: the output frame is malformed: ${describeError(err)}`, { pluginId, cause: err, operation });
  }
}

/** What a frame will carry: the framed members (key null: the whole value) and the rest. */
interface FramePlan {
  keys: (string | null)[];
  values: string[];
  /** The data with the framed members as null (undefined for a whole-value frame). */
  rest: Record<string, unknown> | undefined;
}

/**
 * Decides what to frame, or undefined when nothing is worth it. Only plain data qualifies:
 * anything with a `toJSON` or a class prototype is left to JSON.stringify so the frame always
 * means exactly what the JSON would. A framed input is built from one read of every member (a
 * getter runs once, as under JSON.stringify); when nothing is framed, JSON.stringify reads the
 * members again, so a getter on plain hook data runs twice then.
 */
function planFrame(data: unknown): FramePlan | undefined {
  if (typeof data === 'string') return long(data) ? { keys: [null], values: [data], rest: undefined } : undefined;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const proto = Object.getPrototypeOf(data) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  const record = data as Record<string, unknown>;
  if (typeof record['toJSON'] === 'function') return undefined;
  const names = Object.keys(record);
  const read: unknown[] = new Array(names.length);
  let framed: number[] | undefined;
  for (let i = 0; i < names.length; i++) {
    const value = record[names[i] as string];
    read[i] = value;
    // A key with a lone surrogate has no UTF-8 form either.
    if (long(value) && (names[i] as string).isWellFormed()) (framed ??= []).push(i);
  }
  if (framed === undefined) return undefined;
  const keys = framed.map((i) => names[i] as string);
  const values = framed.map((i) => read[i] as string);
  for (const i of framed) read[i] = null;
  // fromEntries defines members in this order, and a key "__proto__" stays a plain member.
  const rest = Object.fromEntries(names.map((name, i) => [name, read[i]]));
  return { keys, values, rest };
}

/**
 * Long enough to frame, and well-formed: a lone surrogate has no UTF-8 form (TextEncoder would
 * turn it into U+FFFD, where JSON keeps it as `\udXXX`).
 */
function long(value: unknown): value is string {
  return typeof value === 'string' && value.length >= FRAME_MIN_CHARS && value.isWellFormed();
}

function encodeFrame(plan: FramePlan, pluginId: string, operation: string): Uint8Array {
  const { keys: members, values } = plan;
  const json = plan.rest === undefined ? 'null' : encodeJson(plan.rest, pluginId, operation);
  // Upper bound: UTF-8 takes at most three bytes per UTF-16 unit.
  let size = HEADER_BYTES + json.length * 3;
  for (let i = 0; i < members.length; i++) size += 8 + ((members[i] as string | null)?.length ?? 0) * 3 + (values[i] as string).length * 3;
  const out = scratchOf(size);
  const view = new DataView(out.buffer);
  out.set([0, 0x52, 0x46, FRAME_VERSION]);
  view.setUint32(4, members.length, true);
  let at = HEADER_BYTES;
  const valueLengthAt: number[] = [];
  for (const key of members) {
    if (key === null) {
      view.setUint32(at, ROOT_KEY, true);
      at += 4;
    } else {
      const written = encoder.encodeInto(key, out.subarray(at + 4)).written;
      view.setUint32(at, written, true);
      at += 4 + written;
    }
    valueLengthAt.push(at);
    at += 4;
  }
  const jsonLength = encoder.encodeInto(json, out.subarray(at)).written;
  view.setUint32(8, jsonLength, true);
  at += jsonLength;
  for (let i = 0; i < values.length; i++) {
    const written = encoder.encodeInto(values[i] as string, out.subarray(at)).written;
    view.setUint32(valueLengthAt[i] as number, written, true);
    at += written;
  }
  // An exact-size copy that owns its whole buffer: Extism adopts such input without copying it
  // again, and the scratch is free for the next call at once.
  const frame = new Uint8Array(at);
  frame.set(out.subarray(0, at));
  return frame;
}

/** Kept between calls up to this size; larger frames get a buffer of their own. */
const SCRATCH_KEEP_BYTES = 4 * 1024 * 1024;
let scratch = new Uint8Array(0);

/**
 * A buffer of at least `size` bytes to encode into. Reused: a fresh upper-bound buffer per call
 * (three bytes per character) costs more to allocate than encoding the text into it.
 */
function scratchOf(size: number): Uint8Array {
  if (size <= scratch.byteLength) return scratch;
  const buffer = new Uint8Array(Math.max(size, 64 * 1024));
  if (size <= SCRATCH_KEEP_BYTES) scratch = buffer;
  return buffer;
}

/** Reads a frame; throws a plain Error naming what is wrong (the caller types it). */
function decodeFrame(bytes: Uint8Array): unknown {
  if (bytes.byteLength < HEADER_BYTES || bytes[1] !== 0x52 || bytes[2] !== 0x46) throw new Error('no frame header');
  if (bytes[3] !== FRAME_VERSION) throw new Error(`frame version ${bytes[3]} is not supported (this host reads ${FRAME_VERSION})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4, true);
  const jsonLength = view.getUint32(8, true);
  let at = HEADER_BYTES;
  const take = (length: number): Uint8Array => {
    if (length > bytes.byteLength - at) throw new Error(`a length of ${length} runs past the end of the ${bytes.byteLength}-byte frame`);
    const part = bytes.subarray(at, at + length);
    at += length;
    return part;
  };
  const readU32 = (): number => view.getUint32(take(4).byteOffset - bytes.byteOffset, true);
  const keys: (string | null)[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < count; i++) {
    const keyLength = readU32();
    keys.push(keyLength === ROOT_KEY ? null : decoder.decode(take(keyLength)));
    lengths.push(readU32());
  }
  const data = decodeJson(take(jsonLength), '', 'frame') ?? null;
  const values = lengths.map((length) => decoder.decode(take(length)));
  if (at !== bytes.byteLength) throw new Error(`${bytes.byteLength - at} bytes after the last value`);
  if (keys.includes(null)) {
    if (count !== 1 || data !== null) throw new Error('a whole-value entry must be the only one, with null as the JSON');
    return values[0];
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('members are framed but the JSON is not an object');
  const target = data as Record<string, unknown>;
  keys.forEach((key, i) => {
    if (!Object.hasOwn(target, key as string) || target[key as string] !== null) throw new Error(`framed member ${JSON.stringify(key)} is not null in the JSON`);
    // defineProperty, not assignment: a member named "__proto__" must stay a plain member.
    Object.defineProperty(target, key as string, { value: values[i], writable: true, enumerable: true, configurable: true });
  });
  return target;
}
