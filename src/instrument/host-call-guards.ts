/**
 * Guards compiled into the module in front of the host's kernel functions, so that limits on
 * what the host does for a guest hold in the guest's own thread, where no host function of ours
 * can run without a round trip between threads (Extism's worker serves its kernel itself):
 *
 * - **Host-buffer budget.** `alloc(size)` is refused (answers 0) when `size` is over the bytes
 *   left in this call; a function returning a block the host made (config, variables, HTTP) is
 *   charged by that block's length, and answers 0 once the budget is spent. The first refusal
 *   of a call records LimitReason.HOST_MEMORY and tells the limit import (once: a guest retrying
 *   in a loop costs one report). Every export wrapper resets the budget.
 * - **Fresh blocks.** A host in another thread gets copies of the guest's blocks when the guest
 *   calls it, and none later: a block written after such a call is stale there (Extism's worker
 *   does this). The guards note the index of the first block allocated after the last crossing
 *   call (blocks are numbered in allocation order); a block handed over with `output_set` or
 *   `error_set` that is older is first copied to a new block (charged to the budget and, at the
 *   `memory.copy` rate, to fuel), so the host reads what the guest wrote.
 *
 * Guards are plain added functions (not metered themselves); calls and function references to a
 * guarded import are redirected to its guard (plan.refFunc).
 */
import { MEMORY_BYTES_SHIFT, LimitReason } from './constants.ts';
import { writeSetReason } from './limit-signals.ts';
import { GuardKind, type Guard, type Plan } from './plan.ts';
import type { ByteWriter } from './writer.ts';

const Op = {
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  br_if: 0x0d,
  return: 0x0f,
  call: 0x10,
  local_get: 0x20,
  local_set: 0x21,
  local_tee: 0x22,
  global_get: 0x23,
  global_set: 0x24,
  i32_const: 0x41,
  i64_const: 0x42,
  i32_eqz: 0x45,
  i32_ne: 0x47,
  i64_eqz: 0x50,
  i64_eq: 0x51,
  i64_ne: 0x52,
  i64_lt_s: 0x53,
  i64_gt_u: 0x56,
  i64_ge_u: 0x5a,
  i32_and: 0x71,
  i64_add: 0x7c,
  i64_sub: 0x7d,
  i64_shr_u: 0x88,
} as const;
const VOID = 0x40;
const I32 = 0x7f;
const I64 = 0x7e;
/** `gFresh` after a crossing call, before the next allocation: every block is older. */
const NONE_FRESH = -1n;
/** Block index = address >> 48 (Extism's block addresses). */
const BLOCK_INDEX_SHIFT = 48;

/**
 * Writes the bodies of the guard helpers and the guards, in plan order (fCharge, fRefresh,
 * fTrack, then one guard per guarded import).
 */
export function writeGuardBodies(w: ByteWriter, plan: Plan): void {
  if (plan.kernel === undefined) return;
  body(w, 0, () => writeCharge(w, plan));
  body(w, 3, () => writeRefresh(w, plan));
  body(w, 0, () => writeTrack(w, plan));
  for (const guard of plan.guards) body(w, 1, () => writeGuard(w, plan, guard));
}

/** The export wrapper's part: a fresh host-buffer budget, and no crossing yet in this call. */
export function writeGuardReset(w: ByteWriter, plan: Plan): void {
  w.u8(Op.global_get);
  w.u32(plan.gHostBudget);
  w.u8(Op.global_set);
  w.u32(plan.gHostLeft);
  w.u8(Op.i64_const);
  w.u8(0);
  w.u8(Op.global_set);
  w.u32(plan.gFresh);
}

/** A size-prefixed body with `i64Locals` i64 locals after the parameters. */
function body(w: ByteWriter, i64Locals: number, code: () => void): void {
  const at = w.reserveSize();
  if (i64Locals === 0) w.u8(0);
  else {
    w.u8(1);
    w.u32(i64Locals);
    w.u8(I64);
  }
  code();
  w.u8(Op.end);
  w.patchSize(at);
}

function call(w: ByteWriter, index: number): void {
  w.u8(Op.call);
  w.u32(index);
}

function get(w: ByteWriter, local: number): void {
  w.u8(Op.local_get);
  w.u32(local);
}

function i64Const(w: ByteWriter, value: bigint): void {
  w.u8(Op.i64_const);
  w.s64(value);
}

/** `gFresh := NONE_FRESH`: the host's copies of every block older than the next one may go stale. */
function writeCrossed(w: ByteWriter, plan: Plan): void {
  i64Const(w, NONE_FRESH);
  w.u8(Op.global_set);
  w.u32(plan.gFresh);
}

/** `if (local == 0) return 0` for an i64 local. */
function returnZeroIfZero(w: ByteWriter, local: number): void {
  get(w, local);
  w.u8(Op.i64_eqz);
  w.u8(Op.if);
  w.u8(VOID);
  i64Const(w, 0n);
  w.u8(Op.return);
  w.u8(Op.end);
}

/**
 * `charge(bytes: i64) -> i32`: 1 and the bytes taken from the call's budget, or 0 when over it
 * (the first refusal of a call records HOST_MEMORY and tells the limit import).
 */
function writeCharge(w: ByteWriter, plan: Plan): void {
  get(w, 0);
  w.u8(Op.global_get);
  w.u32(plan.gHostLeft);
  w.u8(Op.i64_gt_u);
  w.u8(Op.if);
  w.u8(I32);
  w.u8(Op.global_get);
  w.u32(plan.gReason);
  w.u8(Op.i32_const);
  w.u8(LimitReason.HOST_MEMORY);
  w.u8(Op.i32_ne);
  w.u8(Op.if);
  w.u8(VOID);
  writeSetReason(w, plan, LimitReason.HOST_MEMORY);
  if (plan.limitFunc !== undefined) writeCrossed(w, plan); // the limit import is a host call too
  w.u8(Op.end);
  w.u8(Op.i32_const);
  w.u8(0);
  w.u8(Op.else);
  w.u8(Op.global_get);
  w.u32(plan.gHostLeft);
  get(w, 0);
  w.u8(Op.i64_sub);
  w.u8(Op.global_set);
  w.u32(plan.gHostLeft);
  w.u8(Op.i32_const);
  w.u8(1);
  w.u8(Op.end);
}

/** `track(block: i64)`: the first block allocated since the last crossing call becomes `gFresh`. */
function writeTrack(w: ByteWriter, plan: Plan): void {
  w.u8(Op.global_get);
  w.u32(plan.gFresh);
  i64Const(w, NONE_FRESH);
  w.u8(Op.i64_eq);
  get(w, 0);
  i64Const(w, 0n);
  w.u8(Op.i64_ne);
  w.u8(Op.i32_and);
  w.u8(Op.if);
  w.u8(VOID);
  get(w, 0);
  i64Const(w, BigInt(BLOCK_INDEX_SHIFT));
  w.u8(Op.i64_shr_u);
  w.u8(Op.global_set);
  w.u32(plan.gFresh);
  w.u8(Op.end);
}

/**
 * `refresh(block: i64) -> i64`: the block itself when it is 0, fresh, empty or cannot be
 * copied, else a new block with its bytes: `[load_u64, store_u64]` per 8 bytes, then
 * `[load_u8, store_u8]` for the rest. Locals: 1 length, 2 new block, 3 offset.
 */
function writeRefresh(w: ByteWriter, plan: Plan): void {
  const k = plan.kernel!;
  const [block, length, fresh, offset] = [0, 1, 2, 3];
  const returnBlockIf = (): void => {
    w.u8(Op.if);
    w.u8(VOID);
    get(w, block);
    w.u8(Op.return);
    w.u8(Op.end);
  };
  // No block (0: var_set's "delete", no error) or a fresh one: as is.
  get(w, block);
  w.u8(Op.i64_eqz);
  returnBlockIf();
  get(w, block);
  i64Const(w, BigInt(BLOCK_INDEX_SHIFT));
  w.u8(Op.i64_shr_u);
  w.u8(Op.global_get);
  w.u32(plan.gFresh);
  w.u8(Op.i64_ge_u);
  returnBlockIf();
  get(w, block);
  call(w, k.length);
  w.u8(Op.local_tee);
  w.u32(length);
  w.u8(Op.i64_eqz);
  returnBlockIf();
  if (plan.fOutOfFuel !== undefined) {
    // The copy costs fuel at the memory.copy rate, like every other host-side copy.
    w.u8(Op.global_get);
    w.u32(plan.gFuel);
    get(w, length);
    i64Const(w, BigInt(MEMORY_BYTES_SHIFT));
    w.u8(Op.i64_shr_u);
    w.u8(Op.i64_sub);
    w.u8(Op.local_tee);
    w.u32(offset);
    w.u8(Op.global_set);
    w.u32(plan.gFuel);
    get(w, offset);
    i64Const(w, 0n);
    w.u8(Op.i64_lt_s);
    w.u8(Op.if);
    w.u8(VOID);
    call(w, plan.fOutOfFuel);
    w.u8(Op.end);
  }
  get(w, length);
  call(w, plan.fCharge!);
  w.u8(Op.i32_eqz);
  returnBlockIf();
  get(w, length);
  call(w, k.alloc);
  w.u8(Op.local_tee);
  w.u32(fresh);
  w.u8(Op.i64_eqz);
  returnBlockIf();
  get(w, fresh);
  call(w, plan.fTrack!);
  i64Const(w, 0n);
  w.u8(Op.local_set);
  w.u32(offset);
  const copyLoop = (step: number, load: number, store: number): void => {
    w.u8(Op.block);
    w.u8(VOID);
    w.u8(Op.loop);
    w.u8(VOID);
    // while (offset + step <= length)
    get(w, offset);
    i64Const(w, BigInt(step));
    w.u8(Op.i64_add);
    get(w, length);
    w.u8(Op.i64_gt_u);
    w.u8(Op.br_if);
    w.u8(1);
    get(w, fresh);
    get(w, offset);
    w.u8(Op.i64_add);
    get(w, block);
    get(w, offset);
    w.u8(Op.i64_add);
    call(w, load);
    call(w, store);
    get(w, offset);
    i64Const(w, BigInt(step));
    w.u8(Op.i64_add);
    w.u8(Op.local_set);
    w.u32(offset);
    w.u8(Op.br);
    w.u8(0);
    w.u8(Op.end);
    w.u8(Op.end);
  };
  copyLoop(8, k.load64, k.store64);
  copyLoop(1, k.load8, k.store8);
  get(w, fresh);
}

/** One guard, with the import's own signature; its one extra i64 local holds a result. */
function writeGuard(w: ByteWriter, plan: Plan, guard: Guard): void {
  const params = plan.info.types[guard.typeIndex]!.params.length;
  const result = params;
  const forward = (from: number): void => {
    for (let i = from; i < params; i++) get(w, i);
  };
  switch (guard.kind) {
    case GuardKind.ALLOC:
      get(w, 0);
      call(w, plan.fCharge!);
      w.u8(Op.i32_eqz);
      w.u8(Op.if);
      w.u8(VOID);
      i64Const(w, 0n);
      w.u8(Op.return);
      w.u8(Op.end);
      get(w, 0);
      call(w, guard.target);
      w.u8(Op.local_tee);
      w.u32(result);
      call(w, plan.fTrack!);
      get(w, result);
      return;
    case GuardKind.RETURNS_BLOCK:
      forwardBlocks(w, plan, guard, params);
      if (guard.crossing) writeCrossed(w, plan);
      call(w, guard.target);
      w.u8(Op.local_set);
      w.u32(result);
      returnZeroIfZero(w, result);
      get(w, result);
      call(w, plan.kernel!.length);
      call(w, plan.fCharge!);
      w.u8(Op.i32_eqz);
      w.u8(Op.if);
      w.u8(VOID);
      i64Const(w, 0n);
      w.u8(Op.return);
      w.u8(Op.end);
      if (!guard.crossing) {
        get(w, result);
        call(w, plan.fTrack!);
      }
      get(w, result);
      return;
    case GuardKind.SETS_BLOCK:
      get(w, 0);
      call(w, plan.fRefresh!);
      forward(1);
      call(w, guard.target);
      return;
    case GuardKind.CROSSING:
      // Blocks handed over are refreshed before the crossing makes every older block stale.
      if (guard.passesBlocks) {
        for (let i = 0; i < params; i++) {
          if (plan.info.types[guard.typeIndex]!.params[i] !== I64) continue;
          get(w, i);
          call(w, plan.fRefresh!);
          w.u8(Op.local_set);
          w.u32(i);
        }
      }
      writeCrossed(w, plan);
      forward(0);
      call(w, guard.target);
      return;
  }
}

/** The parameters, blocks among them refreshed when the guard passes blocks (RETURNS_BLOCK: var_get's key). */
function forwardBlocks(w: ByteWriter, plan: Plan, guard: Guard, params: number): void {
  const types = plan.info.types[guard.typeIndex]!.params;
  for (let i = 0; i < params; i++) {
    get(w, i);
    if (guard.passesBlocks && types[i] === I64) call(w, plan.fRefresh!);
  }
}
