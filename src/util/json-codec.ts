/**
 * JSON in and out of plugins, with failures as typed errors: data that cannot be serialized is
 * `E_INPUT`, output that is not UTF-8 JSON is `E_OUTPUT`.
 */
import { ErrorCodes, GuestError, describeError } from '../errors.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The deepest nesting of arrays and objects in JSON the host and plugins exchange: a plugin's
 * output, a host config, content to validate. `JSON.parse` takes any depth, but
 * `JSON.stringify` overflows the stack near 4,000 levels (V8) and validators recurse, so deeper
 * output would fail the next plugin's call under that plugin's id: it is refused where it is
 * produced.
 */
export const MAX_JSON_DEPTH = 256;

const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;

/**
 * Whether JSON text nests arrays and objects deeper than `max`. Output that cannot be that
 * deep (too short, too few brackets, counted with native `indexOf`) skips the full scan.
 */
export function nestsDeeperThan(bytes: Uint8Array, max: number): boolean {
  if (bytes.byteLength <= 2 * max) return false;
  let opens = 0;
  for (let i = bytes.indexOf(OPEN_ARRAY); i !== -1 && opens <= max; i = bytes.indexOf(OPEN_ARRAY, i + 1)) opens++;
  for (let i = bytes.indexOf(OPEN_OBJECT); i !== -1 && opens <= max; i = bytes.indexOf(OPEN_OBJECT, i + 1)) opens++;
  if (opens <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.byteLength; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
  return false;
}

/**
 * Serializes data for a plugin call.
 *
 * @throws GuestError `E_INPUT` for cycles, BigInt, or a top-level value JSON cannot represent.
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
 * @throws GuestError `E_OUTPUT` when the bytes are not UTF-8 or not JSON, or nest deeper than
 * `MAX_JSON_DEPTH`.
 */
export function decodeJson(bytes: Uint8Array, pluginId: string, operation: string): unknown {
  if (bytes.byteLength === 0) return undefined;
  if (nestsDeeperThan(bytes, MAX_JSON_DEPTH)) {
    throw new GuestError(ErrorCodes.OUTPUT, `${operation}: the output nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`, { pluginId, operation });
  }
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

/** UTF-8 byte length of a string without allocating the encoded bytes twice. */
export function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}
