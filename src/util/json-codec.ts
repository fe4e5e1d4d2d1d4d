/**
 * JSON in and out of plugins, with failures as typed errors: data that cannot be serialized is
 * `E_INPUT`, output that is not UTF-8 JSON is `E_OUTPUT`.
 */
import { ErrorCodes, GuestError, describeError } from '../errors.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Serializes data for a plugin call.
 *
 * @throws GuestError `E_INPUT` for cycles, BigInt, or a top-level value JSON cannot represent.
 *
 * @example
 * ```ts
 * encodeJson({ title: 'Hi' }, 'seo', 'hook_after_render'); // '{"title":"Hi"}'
 * ```
 */
export function encodeJson(data: unknown, pluginId: string, operation: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (err) {
    throw new GuestError(ErrorCodes.INPUT, `${operation}: the input is not JSON-serializable: ${describeError(err)}`, {
      pluginId,
      cause: err,
      operation,
    });
  }
  if (text === undefined) {
    throw new GuestError(ErrorCodes.INPUT, `${operation}: the input is not JSON-serializable (got ${typeof data})`, { pluginId, operation });
  }
  return text;
}

/**
 * Parses a plugin's output. Empty output means "no result" and yields `undefined`.
 *
 * @throws GuestError `E_OUTPUT` when the bytes are not UTF-8 or not JSON.
 *
 * @example
 * ```ts
 * decodeJson(new TextEncoder().encode('{"a":1}'), 'seo', 'hook_x'); // { a: 1 }
 * ```
 */
export function decodeJson(bytes: Uint8Array, pluginId: string, operation: string): unknown {
  if (bytes.byteLength === 0) return undefined;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch (err) {
    throw new GuestError(ErrorCodes.OUTPUT, `${operation}: the output is not valid UTF-8`, { pluginId, cause: err, operation });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const preview = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    throw new GuestError(ErrorCodes.OUTPUT, `${operation}: the output is not valid JSON (${describeError(err)}): ${JSON.stringify(preview)}`, {
      pluginId,
      cause: err,
      operation,
    });
  }
}

/**
 * UTF-8 byte length of a string without allocating the encoded bytes twice.
 *
 * @example
 * ```ts
 * utf8Length('é'); // 2
 * ```
 */
export function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}
