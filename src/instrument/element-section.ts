/**
 * Element section: function indices in all eight segment encodings are remapped, and one
 * declarative segment is appended that names every wrapped export's original function. That
 * keeps `ref.func $f` valid: a function referenced only through its export was "declared" by
 * that export, which now points at the wrapper instead.
 */
import { copyConstExpr } from './const-expr.ts';
import type { SectionRef } from './module-scan.ts';
import type { Plan } from './plan.ts';
import { ByteReader } from './reader.ts';
import { readRefType } from './types.ts';
import type { ByteWriter } from './writer.ts';

/** True when the plan needs an element section even if the module has none. */
export function needsElementSection(plan: Plan): boolean {
  return plan.wrappers.length > 0;
}

/** Writes the element section payload. */
export function writeElementSection(bytes: Uint8Array, ref: SectionRef | undefined, plan: Plan, w: ByteWriter): void {
  const r = ref ? new ByteReader(bytes, ref.payloadStart, ref.end) : undefined;
  const count = r ? r.count() : 0;
  const extra = plan.wrappers.length > 0 ? 1 : 0;
  w.u32(count + extra);
  if (r) {
    if (plan.shift === 0 && plan.redirect === undefined) {
      w.bytes(bytes, r.pos, r.end); // no index moved: copy as is
      r.pos = r.end;
    } else {
      for (let i = 0; i < count; i++) copySegment(r, w, plan);
    }
    if (!r.atEnd) r.fail('element section has trailing bytes');
  }
  if (extra) {
    w.u8(3); // declarative, elemkind + function indices
    w.u8(0x00); // elemkind funcref
    w.u32(plan.wrappers.length);
    for (const wrapper of plan.wrappers) w.u32(wrapper.target);
  }
}

function copySegment(r: ByteReader, w: ByteWriter, plan: Plan): void {
  const at = r.pos;
  const flags = r.u32();
  if (flags > 7) r.fail(`unsupported element segment flags ${flags}`, at);
  w.u32(flags);
  const from = r.pos;
  // Bit 0: passive/declarative (no offset) unless bit 1 adds an explicit table; bit 2: expressions.
  if ((flags & 0x01) === 0) {
    if (flags & 0x02) r.u32(); // table index
    copyRange(r, w, from);
    copyConstExpr(r, w, plan.refFunc); // offset
  }
  const kindFrom = r.pos;
  if (flags & 0x03) {
    if (flags & 0x04) readRefType(r);
    else if (r.u8() !== 0x00) r.fail('unsupported element kind', r.pos - 1);
  }
  copyRange(r, w, kindFrom);
  const n = r.count();
  w.u32(n);
  for (let i = 0; i < n; i++) {
    if (flags & 0x04) copyConstExpr(r, w, plan.refFunc);
    else w.u32(plan.refFunc(r.u32()));
  }
}

/** Writes the bytes read since `from` (the reader has consumed them already). */
function copyRange(r: ByteReader, w: ByteWriter, from: number): void {
  w.bytes(r.bytes, from, r.pos);
}
