/**
 * The byte conversions of `manager.call`, which calls a plugin's declared Export as Extism hosts
 * do: bytes in and out, with strings and JSON as conveniences.
 */
import { ErrorCodes, GuestError } from '../errors.ts';
import { decodeJson, encodeJson } from '../util/json-codec.ts';

/** `call`'s input as bytes: bytes as given, a string as UTF-8, anything else as JSON. */
export function callInputBytes(input: unknown, pluginId: string, name: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (typeof input === 'string') return new TextEncoder().encode(input);
  return new TextEncoder().encode(encodeJson(input, pluginId, name));
}

/** `call`'s output as asked: bytes, UTF-8 text or JSON. */
export function decodeCallOutput(output: Uint8Array, as: 'bytes' | 'text' | 'json', pluginId: string, name: string): unknown {
  if (as === 'bytes') return output;
  if (as === 'json') return decodeJson(output, pluginId, name) ?? null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(output);
  } catch (err) {
    throw new GuestError(ErrorCodes.OUTPUT, `${name}: the output is not valid UTF-8`, { pluginId, cause: err, operation: name });
  }
}
