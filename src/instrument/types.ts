/**
 * Value types, function types, limits and block types: the small type grammar of WebAssembly
 * 2.0. Anything from the GC / typed-function-references / memory64 proposals is rejected here,
 * because the rewriter cannot reason about modules it only half understands.
 */
import type { ByteReader } from './reader.ts';

/** Value type bytes of WebAssembly 2.0 (numbers, v128, funcref, externref). */
export const ValType = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f } as const;

/** A function type as its parameter and result value-type bytes. */
export interface FuncType {
  params: number[];
  results: number[];
}

/** True for a valid value-type byte. */
export function isValType(byte: number): boolean {
  return (byte >= 0x7b && byte <= 0x7f) || byte === 0x70 || byte === 0x6f;
}

/** Reads one value type, rejecting GC / typed-reference types. */
export function readValType(r: ByteReader): number {
  const at = r.pos;
  const byte = r.u8();
  if (!isValType(byte)) r.fail(`unsupported value type 0x${byte.toString(16)} (GC / typed function references are not supported)`, at);
  return byte;
}

/** Reads a reference type (funcref or externref) as used by tables and `ref.null`. */
export function readRefType(r: ByteReader): number {
  const at = r.pos;
  const byte = r.u8();
  if (byte !== 0x70 && byte !== 0x6f) r.fail(`unsupported reference type 0x${byte.toString(16)}`, at);
  return byte;
}

/** Reads a `functype` entry of the type section (0x60 params results). */
export function readFuncType(r: ByteReader): FuncType {
  const at = r.pos;
  const form = r.u8();
  if (form !== 0x60) r.fail(`unsupported type form 0x${form.toString(16)} (GC rec/sub types are not supported)`, at);
  const params: number[] = [];
  for (let n = r.count(); n > 0; n--) params.push(readValType(r));
  const results: number[] = [];
  for (let n = r.count(); n > 0; n--) results.push(readValType(r));
  return { params, results };
}

/** Memory or table limits, with the position of the flags byte so they can be rewritten in place. */
export interface Limits {
  flags: number;
  min: number;
  max: number | undefined;
}

/**
 * Reads limits; rejects 64-bit (memory64/table64) flags and shared memories: threads are not
 * supported, and a module declaring a shared memory would otherwise load as long as it used no
 * atomics (a SharedArrayBuffer the host never meant to create).
 */
export function readLimits(r: ByteReader, what: 'memory' | 'table'): Limits {
  const at = r.pos;
  const flags = r.u8();
  if (what === 'memory' && (flags & 0x02) !== 0) r.fail('shared memory (threads) is not supported', at);
  if ((flags & ~0x01) !== 0) r.fail(`unsupported ${what} limits flags 0x${flags.toString(16)} (memory64/table64/custom page sizes are not supported)`, at);
  const min = r.u32();
  const max = flags & 0x01 ? r.u32() : undefined;
  return { flags, min, max };
}

/** Skips a block type: 0x40 (empty), a value type, or a non-negative type index (s33). */
export function skipBlockType(r: ByteReader, typeCount: number): void {
  const at = r.pos;
  const first = r.bytes[r.pos];
  if (first === 0x40 || (first !== undefined && isValType(first))) {
    r.pos++;
    return;
  }
  const index = r.signed(33);
  if (index < 0) r.fail('unsupported block type (GC / typed function references are not supported)', at);
  if (index >= typeCount) r.fail(`block type index ${index} out of range`, at);
}

/** True when two function types are identical (structural equality is exact for 2.0 func types). */
export function sameFuncType(a: FuncType, b: FuncType): boolean {
  if (a.params.length !== b.params.length || a.results.length !== b.results.length) return false;
  for (let i = 0; i < a.params.length; i++) if (a.params[i] !== b.params[i]) return false;
  for (let i = 0; i < a.results.length; i++) if (a.results[i] !== b.results[i]) return false;
  return true;
}
