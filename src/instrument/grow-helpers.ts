/**
 * The helpers every `memory.grow` and `table.grow` is replaced with. Each one checks the cap
 * (the declared maximum, and for tables the total over all tables), asks the host's grow import
 * (when configured) whether the new size fits its budget, grows, and charges fuel for a growth
 * that happened. A refused or failed grow returns -1, as the spec's own failed grow does, and
 * records the limit reason (MEMORY / TABLE) without trapping: the guest decides what to do.
 *
 * The grow import is `(kind i32, index i32, newSize i32) -> i32` (kind 0: memory, size in pages;
 * 1: table `index`, size in elements; newSize is unsigned), answering nonzero to allow. When the
 * engine then fails a grow the host allowed, the import is told the old size again, so the
 * host's figures follow the module's real sizes in every isolation mode.
 */
import { FUEL_PER_PAGE, GROW_BASE_FUEL, GrowKind, LimitReason, TABLE_GROW_FUEL_SHIFT } from './constants.ts';
import { MAX_PAGES } from './memory-cap.ts';
import { Misc, Op } from './opcodes.ts';
import type { Plan } from './plan.ts';
import { writeSetReason, writeStoreAndCheckFuel } from './limit-signals.ts';
import type { ByteWriter } from './writer.ts';

const IF = 0x04;
const ELSE = 0x05;
const END = 0x0b;
const VOID = 0x40;
const I32 = 0x7f;
const I64 = 0x7e;
const MEMORY_SIZE = 0x3f;
const I64_ADD = 0x7c;
const I64_SHL = 0x86;
const I64_GT_U = 0x56;
const I32_EQZ = 0x45;
const I32_NE = 0x47;
const DROP = 0x1a;

/** `memory.grow` replacement `(param $pages i32) (result i32)`. */
export function writeMemoryGrowBody(w: ByteWriter, plan: Plan): void {
  const max = plan.memoryLimits?.max ?? MAX_PAGES;
  const L = { delta: 0, old: 1, result: 2, scratch: 3 };
  const at = w.reserveSize();
  w.u8(2); // locals: 2 x i32 (old, result), 1 x i64 (scratch)
  w.u8(2);
  w.u8(I32);
  w.u8(1);
  w.u8(I64);
  w.u8(MEMORY_SIZE);
  w.u8(0);
  w.u8(Op.local_set);
  w.u8(L.old);
  writeGrowChecks(w, plan, L, max, LimitReason.MEMORY, GrowKind.MEMORY, 0);
  w.u8(Op.local_get);
  w.u8(L.delta);
  w.u8(Op.memory_grow);
  w.u8(0);
  writeGrowOutcome(w, plan, L, LimitReason.MEMORY, GrowKind.MEMORY, 0, () => {
    // pages * FUEL_PER_PAGE
    w.u8(Op.local_get);
    w.u8(L.delta);
    w.u8(Op.i64_extend_i32_u);
    w.u8(Op.i64_const);
    w.s32(FUEL_PER_PAGE);
    w.u8(Op.i64_mul);
  });
  w.patchSize(at);
}

/** `table.grow $table` replacement `(param $init ref) (param $n i32) (result i32)`. */
export function writeTableGrowBody(w: ByteWriter, plan: Plan, table: number): void {
  const info = plan.info.tables[table]!;
  const max = plan.tableLimits[table]!.max ?? 0xffff_ffff;
  const L = { delta: 1, old: 2, result: 3, scratch: 4 };
  const at = w.reserveSize();
  w.u8(2);
  w.u8(2);
  w.u8(I32);
  w.u8(1);
  w.u8(I64);
  tableOp(w, Misc.table_size, table);
  w.u8(Op.local_set);
  w.u8(L.old);
  writeGrowChecks(w, plan, L, max, LimitReason.TABLE, GrowKind.TABLE, table);
  if (plan.tableLimits.length > 1) {
    // Together: sum(table.size) + n > total cap (each table alone is held by its maximum).
    w.u8(Op.local_get);
    w.u8(L.delta);
    w.u8(Op.i64_extend_i32_u);
    for (let t = 0; t < plan.tableLimits.length; t++) {
      tableOp(w, Misc.table_size, t);
      w.u8(Op.i64_extend_i32_u);
      w.u8(I64_ADD);
    }
    w.u8(Op.i64_const);
    w.s64(BigInt(plan.tableTotalCap));
    w.u8(I64_GT_U);
    writeRefuse(w, plan, LimitReason.TABLE);
  }
  w.u8(Op.local_get);
  w.u8(0);
  w.u8(Op.local_get);
  w.u8(L.delta);
  tableOp(w, Misc.table_grow, table);
  writeGrowOutcome(w, plan, L, LimitReason.TABLE, GrowKind.TABLE, table, () => {
    // n << shift (the element type's price)
    w.u8(Op.local_get);
    w.u8(L.delta);
    w.u8(Op.i64_extend_i32_u);
    w.u8(Op.i64_const);
    w.s32(TABLE_GROW_FUEL_SHIFT[info.refType] ?? 0);
    w.u8(I64_SHL);
  });
  w.patchSize(at);
}

interface GrowLocals {
  delta: number;
  old: number;
  result: number;
  scratch: number;
}

function tableOp(w: ByteWriter, sub: number, table: number): void {
  w.u8(Op.prefix_fc);
  w.u32(sub);
  w.u32(table);
}

/** `if <condition on the stack> reason := code; return -1 end` */
function writeRefuse(w: ByteWriter, plan: Plan, code: number): void {
  w.u8(IF);
  w.u8(VOID);
  writeSetReason(w, plan, code);
  w.u8(Op.i32_const);
  w.u8(0x7f); // -1
  w.u8(Op.return);
  w.u8(END);
}

/**
 * Before growing: `old + n > max` refuses (1 fuel: the instruction); a grow past that pays
 * GROW_BASE_FUEL (when n > 0) whatever comes of it, since the host call and the engine's grow
 * cost their time either way; then the host's grow import, when there is one.
 */
function writeGrowChecks(w: ByteWriter, plan: Plan, L: GrowLocals, max: number, code: number, kind: number, index: number): void {
  w.u8(Op.local_get);
  w.u8(L.old);
  w.u8(Op.i64_extend_i32_u);
  w.u8(Op.local_get);
  w.u8(L.delta);
  w.u8(Op.i64_extend_i32_u);
  w.u8(I64_ADD);
  w.u8(Op.i64_const);
  w.s64(BigInt(max));
  w.u8(I64_GT_U);
  writeRefuse(w, plan, code);
  if (plan.fOutOfFuel !== undefined) {
    // fuel -= GROW_BASE_FUEL * (n != 0)
    w.u8(Op.global_get);
    w.u32(plan.gFuel);
    w.u8(Op.local_get);
    w.u8(L.delta);
    w.u8(Op.i32_const);
    w.u8(0);
    w.u8(I32_NE);
    w.u8(Op.i64_extend_i32_u);
    w.u8(Op.i64_const);
    w.s32(GROW_BASE_FUEL);
    w.u8(Op.i64_mul);
    w.u8(Op.i64_sub);
    writeStoreAndCheckFuel(w, plan, L.scratch);
  }
  if (plan.growFunc === undefined) return;
  writeAskHost(w, plan, L, kind, index, true);
  w.u8(I32_EQZ);
  writeRefuse(w, plan, code);
}

/** `growImport(kind, index, old [+ n])` */
function writeAskHost(w: ByteWriter, plan: Plan, L: GrowLocals, kind: number, index: number, grown: boolean): void {
  w.u8(Op.i32_const);
  w.u8(kind);
  w.u8(Op.i32_const);
  w.s32(index);
  w.u8(Op.local_get);
  w.u8(L.old);
  if (grown) {
    w.u8(Op.local_get);
    w.u8(L.delta);
    w.u8(Op.i32_add);
  }
  w.u8(Op.call);
  w.u32(plan.growFunc!);
}

/**
 * After the grow (its result on the stack): failed → reason, and the host told the old size;
 * grown → fuel -= the price of the growth. Leaves the result.
 */
function writeGrowOutcome(w: ByteWriter, plan: Plan, L: GrowLocals, code: number, kind: number, index: number, writePrice: () => void): void {
  w.u8(Op.local_tee);
  w.u8(L.result);
  w.u8(Op.i32_const);
  w.u8(0x7f); // -1
  w.u8(Op.i32_eq);
  w.u8(IF);
  w.u8(VOID);
  writeSetReason(w, plan, code);
  if (plan.growFunc !== undefined) {
    writeAskHost(w, plan, L, kind, index, false);
    w.u8(DROP);
  }
  if (plan.fOutOfFuel !== undefined) {
    w.u8(ELSE);
    w.u8(Op.global_get);
    w.u32(plan.gFuel);
    writePrice();
    w.u8(Op.i64_sub);
    writeStoreAndCheckFuel(w, plan, L.scratch);
  }
  w.u8(END);
  w.u8(Op.local_get);
  w.u8(L.result);
  w.u8(END);
}
