/**
 * The current call's input (what the host passed to the export).
 *
 * @example
 * ```ts
 * export function hook_before_render(): i32 {
 *   const r = Input.json();
 *   if (!r.ok) { fail("input is not JSON: " + r.error); return 1; }
 *   const page = r.value;
 *   …
 * }
 * ```
 */
import { readInput } from "./memory";
import { Json, JsonParseResult } from "./json/index";
import { hostFrameVersion, isFrame, readFrame } from "./frame";
import { frameToJson } from "./frame-json";

// `string` below names a member, which shadows the type inside the namespace.
type Str = string;

export namespace Input {
  /**
   * The raw input bytes (read anew on every call to this function: keep the result). In a
   * module that also uses `Input.json`, a framed input is given back as its JSON text.
   * @example `const bytes = Input.bytes();`
   */
  export function bytes(): Uint8Array {
    const raw = readInput();
    if (!isFrame(raw)) return raw;
    const json = frameToJson(raw);
    if (json !== null) return json;
    const r = readFrame(raw);
    return r.ok ? Uint8Array.wrap(String.UTF8.encode(r.value.toString(), false)) : raw;
  }

  /**
   * The input decoded as UTF-8 (invalid sequences become U+FFFD).
   * @example `const text = Input.string();`
   */
  export function string(): Str {
    const bytes = Input.bytes();
    return String.UTF8.decodeUnsafe(bytes.dataStart, <usize>bytes.length, false);
  }

  /**
   * The input parsed as JSON; check `ok` before using `value`. Long top-level strings (a
   * page's HTML) arrive framed, as UTF-8 bytes: read them with `asUtf8()` to skip decoding.
   * @example `const r = Input.json(); if (r.ok) r.value.getString("title");`
   */
  export function json(): JsonParseResult {
    // Asking marks this module as a frame reader (the host looks for the import).
    hostFrameVersion();
    const raw = readInput();
    if (isFrame(raw)) return readFrame(raw);
    return Json.parse(String.UTF8.decodeUnsafe(raw.dataStart, <usize>raw.length, false));
  }
}
