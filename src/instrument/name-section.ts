/**
 * The "name" custom section (debug names). When an added import shifts function indices, the
 * function-indexed subsections (function names, local names, label names) are renumbered so
 * stack traces still name the right functions. A name section that does not parse is dropped:
 * it has no effect on behaviour, and keeping it would now misname functions.
 */
import { InstrumentError } from './errors.ts';
import type { SectionRef } from './module-scan.ts';
import { ByteReader } from './reader.ts';
import { ByteWriter } from './writer.ts';

/** Reads a custom section's name, or undefined if it cannot be read. */
export function customSectionName(bytes: Uint8Array, ref: SectionRef): string | undefined {
  try {
    return new ByteReader(bytes, ref.payloadStart, ref.end).name();
  } catch {
    return undefined;
  }
}

/** Returns the name section payload with function indices remapped, or undefined to drop it. */
export function remapNameSection(bytes: Uint8Array, ref: SectionRef, remap: (f: number) => number): Uint8Array | undefined {
  const w = new ByteWriter(ref.end - ref.payloadStart + 64);
  try {
    const r = new ByteReader(bytes, ref.payloadStart, ref.end);
    r.name(); // "name"
    w.bytes(bytes, ref.payloadStart, r.pos);
    while (!r.atEnd) {
      const id = r.u8();
      const size = r.u32();
      if (size > r.end - r.pos) return undefined;
      const sub = new ByteReader(bytes, r.pos, r.pos + size);
      r.pos += size;
      w.u8(id);
      const at = w.reserveSize();
      if (id === 1) {
        copyNameMap(sub, w, remap);
      } else if (id === 2 || id === 3) {
        const n = sub.count();
        w.u32(n);
        for (let i = 0; i < n; i++) {
          w.u32(remap(sub.u32()));
          copyNameMap(sub, w, (x) => x);
        }
      } else {
        w.bytes(bytes, sub.pos, sub.end);
        sub.pos = sub.end;
      }
      if (!sub.atEnd) return undefined;
      w.patchSize(at);
    }
    return w.finish();
  } catch (error) {
    if (error instanceof InstrumentError) return undefined;
    throw error;
  }
}

function copyNameMap(r: ByteReader, w: ByteWriter, remap: (i: number) => number): void {
  const n = r.count();
  w.u32(n);
  for (let i = 0; i < n; i++) {
    w.u32(remap(r.u32()));
    const len = r.count();
    w.u32(len);
    w.bytes(r.bytes, r.pos, r.pos + len);
    r.skip(len);
  }
}
