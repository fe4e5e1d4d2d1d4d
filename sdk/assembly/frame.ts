/**
 * Frames (docs/abi.md, "Frames"): hook data whose long top-level strings travel as raw UTF-8
 * beside the JSON, so a page's HTML is never JSON-escaped by the host nor unescaped here, and
 * can be worked on as bytes (`JsonValue.asUtf8`) without ever becoming a UTF-16 string.
 *
 * ```
 * 00 52 46 01            magic "\0RF" and version 1 (JSON text never starts with a NUL byte)
 * u32 count, u32 jsonLength                                   (little-endian, like wasm)
 * count × (u32 keyLength, key bytes, u32 valueLength)   keyLength 0xFFFFFFFF: the whole value
 * JSON bytes             the data, with each framed member written as null
 * value bytes            each framed string as UTF-8, in entry order
 * ```
 *
 * The host sends frames only to modules that import `reed_frame_version` (Input.json and
 * Output.json do; Input.bytes/Input.string give a framed input back as JSON text) and
 * reads frames from any module (Output.json writes one when a top-level string is long).
 *
 * @example
 * ```ts
 * const r = readFrame(readInput()); // what Input.json does with a frame (Input.bytes() gives JSON text)
 * ```
 */
import { reed_frame_version } from "./env";
import { JsonParseResult, parse } from "./json/parse";
import { JsonKind, JsonValue } from "./json/value";

/** Strings shorter than this stay in the JSON (UTF-16 units, or UTF-8 bytes when held as bytes). */
export const FRAME_MIN_LENGTH: i32 = 1024;

const HEADER_BYTES: i32 = 12;
const ROOT_KEY: u32 = 0xffffffff;
const VERSION: u8 = 1;

/** -1 until asked; then the host's answer. */
let hostVersion: i32 = -1;

/**
 * The frame version the host reads and writes (asked once per instance). Calling it is what
 * makes a module a frame reader: the host looks for its import.
 * @example `if (hostFrameVersion() >= 1) { … }`
 */
export function hostFrameVersion(): i32 {
  if (hostVersion < 0) hostVersion = reed_frame_version();
  return hostVersion;
}

/**
 * Whether input bytes are a frame rather than JSON text.
 * @example `if (isFrame(bytes)) …`
 */
export function isFrame(bytes: Uint8Array): bool {
  return bytes.length >= HEADER_BYTES && load<u8>(bytes.dataStart) == 0;
}

/** One framed string: where its key and its UTF-8 value are (keyLength -1: the whole value). */
export class FrameEntry {
  constructor(
    public keyAt: usize,
    public keyLength: i32,
    public valueAt: usize,
    public valueLength: i32,
  ) {}
}

/** Where a frame's parts are, or why it is malformed (`error` not empty). */
export class FrameLayout {
  entries: Array<FrameEntry> = new Array<FrameEntry>();
  jsonAt: usize = 0;
  jsonLength: i32 = 0;
  error: string = "";
}

function malformed(message: string): FrameLayout {
  const layout = new FrameLayout();
  layout.error = "malformed frame: " + message;
  return layout;
}

/**
 * Reads a frame's header and entries and checks every length against the frame's size, in
 * 64-bit arithmetic before anything is narrowed, so no frame can make a reader trap. Shared by
 * `readFrame` (the value tree) and `frameToJson` (the JSON text).
 * @example `const layout = parseFrame(bytes); if (layout.error == "") layout.entries.length;`
 */
export function parseFrame(bytes: Uint8Array): FrameLayout {
  const base = bytes.dataStart;
  const total = <u64>bytes.length;
  if (total < <u64>HEADER_BYTES || load<u8>(base + 1) != 0x52 || load<u8>(base + 2) != 0x46) return malformed("not a frame");
  if (load<u8>(base + 3) != VERSION) return malformed("frame version " + load<u8>(base + 3).toString() + " is not supported");
  const count = load<u32>(base + 4);
  const jsonLength = load<u32>(base + 8);
  const layout = new FrameLayout();
  let at: u64 = <u64>HEADER_BYTES;
  let whole = false;
  for (let i: u32 = 0; i < count; i++) {
    if (at + 8 > total) return malformed("entry " + i.toString() + " runs past the end");
    const keyLength = load<u32>(base + <usize>at);
    at += 4;
    const keyAt = base + <usize>at;
    if (keyLength == ROOT_KEY) {
      whole = true;
    } else {
      if (at + <u64>keyLength + 4 > total) return malformed("entry " + i.toString() + " runs past the end");
      at += <u64>keyLength;
    }
    const valueLength = load<u32>(base + <usize>at);
    if (<u64>valueLength > total) return malformed("a value runs past the end");
    layout.entries.push(new FrameEntry(keyAt, keyLength == ROOT_KEY ? -1 : <i32>keyLength, 0, <i32>valueLength));
    at += 4;
  }
  if (whole && count != 1) return malformed("a whole-value entry must be the only one");
  if (at + <u64>jsonLength > total) return malformed("the JSON runs past the end");
  layout.jsonAt = base + <usize>at;
  layout.jsonLength = <i32>jsonLength;
  at += <u64>jsonLength;
  for (let i = 0; i < layout.entries.length; i++) {
    const e = layout.entries[i];
    if (at + <u64>e.valueLength > total) return malformed("a value runs past the end");
    e.valueAt = base + <usize>at;
    at += <u64>e.valueLength;
  }
  return layout;
}

/**
 * Parses a frame into a value tree; framed strings stay UTF-8 views into `bytes`. Never aborts:
 * a malformed frame is a failed result, like malformed JSON.
 * @example `const r = readFrame(bytes); if (r.ok) r.value.get("html")!.asUtf8();`
 */
export function readFrame(bytes: Uint8Array): JsonParseResult {
  const layout = parseFrame(bytes);
  if (layout.error != "") return new JsonParseResult(false, new JsonValue(JsonKind.Null), layout.error, 0);
  const r = parse(String.UTF8.decodeUnsafe(layout.jsonAt, <usize>layout.jsonLength, false));
  if (!r.ok) return r;
  const entries = layout.entries;
  if (entries.length == 1 && entries[0].keyLength < 0) return new JsonParseResult(true, framedValue(entries[0], bytes), "", -1);
  if (entries.length > 0 && !r.value.isObject()) return failed("members are framed but the JSON is not an object");
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    r.value.set(String.UTF8.decodeUnsafe(e.keyAt, <usize>e.keyLength, false), framedValue(e, bytes));
  }
  return r;
}

/** A framed string as a value: a view into the frame's bytes, known to be UTF-8 (the host wrote it). */
function framedValue(e: FrameEntry, bytes: Uint8Array): JsonValue {
  return JsonValue.fromUtf8(Uint8Array.wrap(bytes.buffer, bytes.byteOffset + <i32>(e.valueAt - bytes.dataStart), e.valueLength), true);
}

/**
 * The frame for `value`, or null when nothing in it is worth framing (then send JSON text).
 * Top-level strings of at least FRAME_MIN_LENGTH are framed, unless they hold a lone surrogate
 * (no UTF-8 form: JSON keeps it as `\udXXX`).
 * @example `const frame = writeFrame(page); if (frame !== null) Output.bytes(frame);`
 */
export function writeFrame(value: JsonValue): Uint8Array | null {
  if (value.kind == JsonKind.String) {
    if (!worthFraming(value)) return null;
    return assemble([], [value], true, "null");
  }
  if (value.kind != JsonKind.Object) return null;
  const keys = value.keys();
  const members = value.values();
  let framedKeys: Array<string> | null = null;
  const framedValues = new Array<JsonValue>();
  for (let i = 0; i < members.length; i++) {
    // A key with a lone surrogate has no UTF-8 form: that member stays in the JSON.
    if (!worthFraming(members[i]) || !wellFormed(keys[i])) continue;
    if (framedKeys === null) framedKeys = new Array<string>();
    framedKeys.push(keys[i]);
    framedValues.push(members[i]);
  }
  if (framedKeys === null) return null;
  // The JSON part: the same object with the framed members as null, in their places.
  const rest = new JsonValue(JsonKind.Object);
  let next = 0;
  for (let i = 0; i < keys.length; i++) {
    if (next < framedKeys.length && framedKeys[next] == keys[i]) {
      rest.set(keys[i], new JsonValue(JsonKind.Null));
      next++;
    } else {
      rest.set(keys[i], members[i]);
    }
  }
  return assemble(framedKeys, framedValues, false, rest.toString());
}

/**
 * A long string that UTF-8 can carry exactly: bytes from the host are; other bytes (`Json.utf8`,
 * or a string's cached encoding, which AssemblyScript writes as WTF-8 for a lone surrogate) are
 * checked, and anything else stays in the JSON, where the host reads it as JSON would.
 */
function worthFraming(v: JsonValue): bool {
  if (v.kind != JsonKind.String) return false;
  if (v.hasUtf8()) {
    const bytes = v.asUtf8();
    return bytes.length >= FRAME_MIN_LENGTH && (v.utf8KnownValid() || validUtf8(bytes.dataStart, bytes.length));
  }
  if (v.sizeHint() < FRAME_MIN_LENGTH) return false;
  return wellFormed(v.asString());
}

/** Well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF). */
function validUtf8(at: usize, length: i32): bool {
  let i = 0;
  while (i < length) {
    // ASCII runs, eight bytes at a time.
    if (i + 8 <= length && (load<u64>(at + <usize>i) & 0x8080808080808080) == 0) {
      i += 8;
      continue;
    }
    const c = <u32>load<u8>(at + <usize>i);
    if (c < 0x80) {
      i++;
      continue;
    }
    let need = 0;
    let min: u32 = 0;
    let cp: u32 = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
      cp = c & 0x07;
    } else return false;
    if (i + need >= length) return false;
    for (let k = 1; k <= need; k++) {
      const d = <u32>load<u8>(at + <usize>(i + k));
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

/** No lone surrogates (UTF-8 cannot carry them). */
function wellFormed(text: string): bool {
  const base = changetype<usize>(text);
  const n = <usize>text.length;
  for (let i: usize = 0; i < n; i++) {
    const c = <u32>load<u16>(base + (i << 1));
    if ((c & 0xf800) != 0xd800) continue;
    if (c >= 0xdc00 || i + 1 >= n) return false;
    const d = <u32>load<u16>(base + ((i + 1) << 1));
    if ((d & 0xfc00) != 0xdc00) return false;
    i++;
  }
  return true;
}

function assemble(keys: Array<string>, values: Array<JsonValue>, root: bool, json: string): Uint8Array {
  const keyBytes = new Array<ArrayBuffer>();
  let size = HEADER_BYTES;
  for (let i = 0; i < values.length; i++) {
    size += 8;
    if (!root) {
      const k = String.UTF8.encode(keys[i], false);
      keyBytes.push(k);
      size += k.byteLength;
    }
    size += values[i].asUtf8().length;
  }
  const jsonBytes = String.UTF8.encode(json, false);
  size += jsonBytes.byteLength;
  const out = new Uint8Array(size);
  const base = out.dataStart;
  store<u8>(base, 0);
  store<u8>(base + 1, 0x52);
  store<u8>(base + 2, 0x46);
  store<u8>(base + 3, VERSION);
  store<u32>(base + 4, <u32>values.length);
  store<u32>(base + 8, <u32>jsonBytes.byteLength);
  let at = base + <usize>HEADER_BYTES;
  for (let i = 0; i < values.length; i++) {
    if (root) {
      store<u32>(at, ROOT_KEY);
      at += 4;
    } else {
      const k = keyBytes[i];
      store<u32>(at, <u32>k.byteLength);
      memory.copy(at + 4, changetype<usize>(k), <usize>k.byteLength);
      at += 4 + <usize>k.byteLength;
    }
    store<u32>(at, <u32>values[i].asUtf8().length);
    at += 4;
  }
  memory.copy(at, changetype<usize>(jsonBytes), <usize>jsonBytes.byteLength);
  at += <usize>jsonBytes.byteLength;
  for (let i = 0; i < values.length; i++) {
    const v = values[i].asUtf8();
    memory.copy(at, v.dataStart, <usize>v.length);
    at += <usize>v.length;
  }
  return out;
}

function failed(message: string): JsonParseResult {
  return new JsonParseResult(false, new JsonValue(JsonKind.Null), "malformed frame: " + message, 0);
}
