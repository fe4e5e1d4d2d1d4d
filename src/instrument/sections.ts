/**
 * Rewriters for the small sections: each takes the input section (or undefined when the module
 * lacks it) and writes the output payload: the old entries, adjusted, then the added ones.
 */
import { copyConstExpr } from './const-expr.ts';
import { ExportKind } from './constants.ts';
import { writeLimits } from './memory-cap.ts';
import type { SectionRef } from './module-scan.ts';
import { ADDED_GLOBALS, RESERVED, type Plan } from './plan.ts';
import { ByteReader } from './reader.ts';
import { type Limits, readLimits, readValType } from './types.ts';
import type { ByteWriter } from './writer.ts';

/** Reads the entry count of a section and returns a reader positioned after it. */
function open(bytes: Uint8Array, ref: SectionRef | undefined): { r: ByteReader | undefined; count: number } {
  if (ref === undefined) return { r: undefined, count: 0 };
  const r = new ByteReader(bytes, ref.payloadStart, ref.end);
  return { r, count: r.count() };
}

/** Type section: existing types, then the ones the plan added. */
export function writeTypeSection(bytes: Uint8Array, ref: SectionRef | undefined, plan: Plan, w: ByteWriter): void {
  const { r, count } = open(bytes, ref);
  w.u32(count + plan.newTypes.length);
  if (r) w.bytes(bytes, r.pos, r.end);
  for (const t of plan.newTypes) {
    w.u8(0x60);
    w.u32(t.params.length);
    for (const p of t.params) w.u8(p);
    w.u32(t.results.length);
    for (const p of t.results) w.u8(p);
  }
}

/** Import section: imported memory and table limits capped, then the added host imports. */
export function writeImportSection(bytes: Uint8Array, ref: SectionRef | undefined, plan: Plan, w: ByteWriter): void {
  const { r, count } = open(bytes, ref);
  w.u32(count + plan.addedImports.length);
  if (r) copyWithCappedLimits(bytes, r.pos, r.end, plan, w, true);
  for (const added of plan.addedImports) {
    w.name(added.module);
    w.name(added.name);
    w.u8(ExportKind.func);
    w.u32(added.typeIndex);
  }
}

/** Memory section: the memory's limits capped. */
export function writeMemorySection(bytes: Uint8Array, ref: SectionRef, plan: Plan, w: ByteWriter): void {
  copyWithCappedLimits(bytes, ref.payloadStart, ref.end, plan, w, false);
}

/** Table section: every table's limits capped. */
export function writeTableSection(bytes: Uint8Array, ref: SectionRef, plan: Plan, w: ByteWriter): void {
  copyWithCappedLimits(bytes, ref.payloadStart, ref.end, plan, w, false);
}

/**
 * Copies [from, to), writing the capped limits of every memory and table (imported ones when
 * `imported`, else defined ones) whose limits lie in this range.
 */
function copyWithCappedLimits(bytes: Uint8Array, from: number, to: number, plan: Plan, w: ByteWriter, imported: boolean): void {
  const edits: Array<{ at: number; limits: Limits }> = [];
  const memory = plan.info.memory;
  if (memory !== undefined && plan.memoryLimits !== undefined && memory.imported === imported && plan.opts.memoryMaxPages !== undefined) {
    edits.push({ at: memory.limitsOffset, limits: plan.memoryLimits });
  }
  if (plan.opts.maxTableElements !== undefined) {
    plan.info.tables.forEach((table, i) => {
      if (table.imported === imported) edits.push({ at: table.limitsOffset, limits: plan.tableLimits[i]! });
    });
  }
  edits.sort((a, b) => a.at - b.at);
  let cursor = from;
  for (const edit of edits) {
    if (edit.at < from || edit.at >= to) continue;
    w.bytes(bytes, cursor, edit.at);
    const r = new ByteReader(bytes, edit.at, to);
    readLimits(r, 'memory'); // skips the old limits (table flags are a subset)
    writeLimits(w, edit.limits);
    cursor = r.pos;
  }
  w.bytes(bytes, cursor, to);
}

/** Function section: existing signatures, then the added functions'. */
export function writeFunctionSection(bytes: Uint8Array, ref: SectionRef | undefined, plan: Plan, w: ByteWriter): void {
  const { r, count } = open(bytes, ref);
  w.u32(count + plan.addedFuncTypes.length);
  if (r) w.bytes(bytes, r.pos, r.end);
  for (const t of plan.addedFuncTypes) w.u32(t);
}

/**
 * Global section: existing globals (ref.func remapped), then fuel, budget, reason, depth, and the
 * host-call guards' bytes left, byte budget and first fresh block.
 */
export function writeGlobalSection(bytes: Uint8Array, ref: SectionRef | undefined, plan: Plan, w: ByteWriter): void {
  const { r, count } = open(bytes, ref);
  w.u32(count + ADDED_GLOBALS);
  if (r) {
    for (let i = 0; i < count; i++) {
      const from = r.pos;
      readValType(r);
      if (r.u8() > 1) r.fail('invalid global mutability', r.pos - 1);
      w.bytes(bytes, from, r.pos);
      copyConstExpr(r, w, plan.refFunc);
    }
    if (!r.atEnd) r.fail('global section has trailing bytes');
  }
  const i64Global = (value: bigint): void => {
    w.u8(0x7e);
    w.u8(1);
    w.u8(0x42);
    w.s64(value);
    w.u8(0x0b);
  };
  const i32Global = (): void => {
    w.u8(0x7f);
    w.u8(1);
    w.u8(0x41);
    w.u8(0);
    w.u8(0x0b);
  };
  i64Global(plan.opts.defaultFuel); // fuel: the start function runs on the default budget
  i64Global(plan.opts.defaultFuel); // budget
  i32Global(); // reason
  i32Global(); // depth
  i32Global(); // entered: export wrappers under way (not exported)
  const hostBudget = plan.opts.hostCalls?.budgetBytes ?? 0n;
  i64Global(hostBudget); // host bytes left (the start function's allowance)
  i64Global(hostBudget); // host budget per call
  i64Global(0n); // first fresh block: none crossed yet
  w.u8(0x7f); // started: 0 while deferred start code has not run
  w.u8(1);
  w.u8(0x41);
  w.u8(plan.fStart === undefined ? 1 : 0);
  w.u8(0x0b);
}

/** Export section: function exports point at their wrappers; the four globals are appended. */
export function writeExportSection(plan: Plan, w: ByteWriter): void {
  const exports = plan.info.exports.filter((e) => !plan.deferredExports.has(e.name));
  w.u32(exports.length + 5 + (plan.fStart === undefined ? 0 : 1));
  for (const e of exports) {
    w.name(e.name);
    w.u8(e.kind);
    w.u32(e.kind === ExportKind.func ? plan.wrapperOf.get(e.index)! : e.index);
  }
  const global = (name: string, index: number): void => {
    w.name(name);
    w.u8(ExportKind.global);
    w.u32(index);
  };
  global(RESERVED.fuel, plan.gFuel);
  global(RESERVED.fuelBudget, plan.gBudget);
  global(RESERVED.reason, plan.gReason);
  global(RESERVED.depth, plan.gDepth);
  global(RESERVED.hostBudget, plan.gHostBudget);
  if (plan.fStart !== undefined) {
    w.name(RESERVED.start);
    w.u8(ExportKind.func);
    w.u32(plan.fStart);
  }
}

/** Start section: the start function's index, remapped. */
export function writeStartSection(plan: Plan, w: ByteWriter): void {
  w.u32(plan.refFunc(plan.info.start!));
}
