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

// `string` below names a member, which shadows the type inside the namespace.
type Str = string;

export namespace Input {
  /**
   * The raw input bytes (read anew on every call to this function: keep the result).
   * @example `const bytes = Input.bytes();`
   */
  export function bytes(): Uint8Array {
    return readInput();
  }

  /**
   * The input decoded as UTF-8 (invalid sequences become U+FFFD).
   * @example `const text = Input.string();`
   */
  export function string(): Str {
    const bytes = readInput();
    return String.UTF8.decodeUnsafe(bytes.dataStart, <usize>bytes.length, false);
  }

  /**
   * The input parsed as JSON; check `ok` before using `value`.
   * @example `const r = Input.json(); if (r.ok) r.value.getString("title");`
   */
  export function json(): JsonParseResult {
    return Json.parse(string());
  }
}
