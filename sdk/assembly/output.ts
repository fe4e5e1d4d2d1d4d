/**
 * Sets the current call's output. The last call wins. For a hook, no output (or empty output)
 * means "data unchanged".
 *
 * @example
 * ```ts
 * Output.string("→ done"); // 8 UTF-8 bytes, not 6 UTF-16 units
 * ```
 */
import { output_set } from "./env";
import { blockFromBytes } from "./memory";
import { FastIO } from "./fast-io";
import { JsonValue } from "./json/value";
import { hostFrameVersion, writeFrame } from "./frame";

// `string` below names a member, which shadows the type inside the namespace.
type Str = string;

export namespace Output {
  /**
   * Outputs raw bytes.
   * @example `Output.bytes(Input.bytes()); // echo`
   */
  export function bytes(data: Uint8Array): void {
    // One host call where the host can take the bytes from our memory (FastIO).
    if (FastIO.writeOutput(data.dataStart, data.length)) return;
    const block = blockFromBytes(data);
    output_set(block, <u64>data.length);
  }

  /**
   * Outputs `text` as UTF-8, with its UTF-8 byte length (the stock PDK passes the UTF-16
   * length, which cuts or pads non-ASCII output).
   * @example `Output.string("日本語");`
   */
  export function string(text: Str): void {
    bytes(Uint8Array.wrap(String.UTF8.encode(text, false)));
  }

  /**
   * Outputs a value as compact JSON; long top-level strings go out framed, as raw UTF-8
   * (docs/abi.md, "Frames"), when the host reads frames: it reads them as the same JSON value.
   * @example `Output.json(page);`
   */
  export function json(value: JsonValue): void {
    const frame = hostFrameVersion() >= 1 ? writeFrame(value) : null;
    if (frame !== null) bytes(frame);
    else string(value.toString());
  }
}
