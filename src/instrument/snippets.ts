/**
 * The instruction sequences the rewriter inserts: the fuel meter, the call-depth guard, the
 * bulk-op charge, and the bodies of the added helper and wrapper functions. All inserted
 * sequences are stack-neutral, so they can go anywhere a block may start.
 */
import { LimitReason, RETURN_CODE_SIGNAL } from './constants.ts';
import { writeMemoryGrowBody, writeTableGrowBody } from './grow-helpers.ts';
import { Op } from './opcodes.ts';
import type { Plan, Wrapper } from './plan.ts';
import { ValType } from './types.ts';
import type { ByteWriter } from './writer.ts';
import { writeGuardBodies, writeGuardReset } from './host-call-guards.ts';
import { writeSetReason } from './limit-signals.ts';

const IF = 0x04;
const END = 0x0b;
const VOID = 0x40;
const UNREACHABLE = 0x00;
const I64_CONST = Op.i64_const;

/**
 * Fuel meter for a block of static cost `cost`, on the function's fuel local (the global is
 * only read at entry and after calls, and written before calls and exits, so loops run on a
 * register): `fuel -= cost; if (fuel < 0) outOfFuel()`.
 */
export function writeMeter(w: ByteWriter, plan: Plan, cost: number, fuelLocal: number, level: number): void {
  writeMeterHead(w, fuelLocal);
  w.s32(cost);
  writeMeterTail(w, plan, fuelLocal);
  w.u32(level);
}

/**
 * The part of the meter before its cost constant: `local.get fuel; i64.const` (the caller
 * writes the cost). Split out, with the tail, so the body emitter can pre-render both.
 */
export function writeMeterHead(w: ByteWriter, fuelLocal: number): void {
  w.u8(Op.local_get);
  w.u32(fuelLocal);
  w.u8(I64_CONST);
}

/**
 * The part of the meter between its cost constant and its branch depth:
 * `i64.sub; local.tee fuel; i64.const 0; i64.lt_s; br_if` (the caller writes the depth of the
 * function's out-of-fuel block). A branch, not a call: a call inside a hot loop makes the engine
 * spill the loop's registers, which cost more than the metering itself.
 */
export function writeMeterTail(w: ByteWriter, _plan: Plan, fuelLocal: number): void {
  w.u8(Op.i64_sub);
  w.u8(Op.local_tee);
  w.u32(fuelLocal);
  w.u8(I64_CONST);
  w.u8(0);
  w.u8(Op.i64_lt_s);
  w.u8(Op.br_if);
}

/**
 * Charges a size-dependent op (memory.copy/fill/init, table.fill/copy/init) by its size
 * operand, which is on top of the stack: `size >>> shift` fuel, or `size << -shift` for a
 * negative shift. Saves the size in the i32 scratch and puts it back.
 */
export function writeSizeCharge(w: ByteWriter, plan: Plan, shift: number, fuelLocal: number, scratch32: number, level: number): void {
  writeSizeChargeHead(w, fuelLocal, scratch32);
  w.s32(Math.abs(shift));
  w.u8(shift < 0 ? Op.i64_shl : Op.i64_shr_u);
  writeSizeChargeMid(w, plan, fuelLocal);
  w.u32(level);
  writeSizeChargeEnd(w, scratch32);
}

/**
 * The size charge up to its shift constant: `local.set s; local.get fuel; local.get s;
 * i64.extend_i32_u; i64.const` (the pieces around the two variable parts, shift and branch
 * depth, are separate so the body emitter can pre-render them).
 */
export function writeSizeChargeHead(w: ByteWriter, fuelLocal: number, scratch32: number): void {
  w.u8(Op.local_set);
  w.u32(scratch32);
  w.u8(Op.local_get);
  w.u32(fuelLocal);
  w.u8(Op.local_get);
  w.u32(scratch32);
  w.u8(Op.i64_extend_i32_u);
  w.u8(I64_CONST);
}

/** The size charge between its shift (with its shift op) and its branch depth: the meter tail. */
export function writeSizeChargeMid(w: ByteWriter, plan: Plan, fuelLocal: number): void {
  writeMeterTail(w, plan, fuelLocal);
}

/** The end of the size charge: puts the saved size back on the stack. */
export function writeSizeChargeEnd(w: ByteWriter, scratch32: number): void {
  w.u8(Op.local_get);
  w.u32(scratch32);
}

/** `fuel global := fuel local`, before calls and exits, so callees and the host see it. */
export function writeFuelOut(w: ByteWriter, plan: Plan, fuelLocal: number): void {
  w.u8(Op.local_get);
  w.u32(fuelLocal);
  w.u8(Op.global_set);
  w.u32(plan.gFuel);
}

/** `fuel local := fuel global`, at entry and after calls (the callee spent some). */
export function writeFuelIn(w: ByteWriter, plan: Plan, fuelLocal: number): void {
  w.u8(Op.global_get);
  w.u32(plan.gFuel);
  w.u8(Op.local_set);
  w.u32(fuelLocal);
}

/** Call-depth guard at function entry: `if (++depth > max) stackOverflow()`. */
export function writeDepthEnter(w: ByteWriter, plan: Plan, scratch32: number): void {
  w.u8(Op.global_get);
  w.u32(plan.gDepth);
  w.u8(Op.i32_const);
  w.u8(1);
  w.u8(Op.i32_add);
  w.u8(Op.local_tee);
  w.u32(scratch32);
  w.u8(Op.global_set);
  w.u32(plan.gDepth);
  w.u8(Op.local_get);
  w.u32(scratch32);
  w.u8(Op.i32_const);
  w.s32(plan.opts.maxCallDepth);
  w.u8(Op.i32_gt_u);
  w.u8(IF);
  w.u8(VOID);
  w.u8(Op.call);
  w.u32(plan.fStackOverflow!);
  w.u8(END);
}

/** `depth -= 1`, before every way out of a function (return, tail call, falling off the end). */
export function writeDepthLeave(w: ByteWriter, plan: Plan): void {
  w.u8(Op.global_get);
  w.u32(plan.gDepth);
  w.u8(Op.i32_const);
  w.u8(1);
  w.u8(Op.i32_sub);
  w.u8(Op.global_set);
  w.u32(plan.gDepth);
}

/**
 * Writes the bodies (size-prefixed) of the added helper functions, in the order `makePlan`
 * numbered them: out-of-fuel, stack-overflow, memory.grow, table.grow (one per table), the
 * host-call guards, `__reed_start`, then the
 * export wrappers.
 */
export function writeAddedBodies(w: ByteWriter, plan: Plan): void {
  if (plan.fOutOfFuel !== undefined) {
    // Out of fuel: pin the remaining fuel at 0 so "used" equals the budget, record, trap.
    const at = w.reserveSize();
    w.u8(0); // no locals
    w.u8(I64_CONST);
    w.u8(0);
    w.u8(Op.global_set);
    w.u32(plan.gFuel);
    writeSetReason(w, plan, LimitReason.FUEL);
    writeLeaveAll(w, plan);
    w.u8(UNREACHABLE);
    w.u8(END);
    w.patchSize(at);
  }
  if (plan.fStackOverflow !== undefined) {
    const at = w.reserveSize();
    w.u8(0);
    writeSetReason(w, plan, LimitReason.STACK);
    writeLeaveAll(w, plan);
    w.u8(UNREACHABLE);
    w.u8(END);
    w.patchSize(at);
  }
  if (plan.fGrow !== undefined) writeMemoryGrowBody(w, plan);
  plan.fTableGrow.forEach((_, table) => writeTableGrowBody(w, plan, table));
  writeGuardBodies(w, plan);
  for (const wrapper of plan.profileWrappers) writeProfileWrapperBody(w, plan, wrapper);
  if (plan.fStart !== undefined) {
    // __reed_start: once per instance, on a call's fresh budgets, the deferred start code.
    const at = w.reserveSize();
    w.u8(0);
    w.u8(Op.global_get);
    w.u32(plan.gStarted);
    w.u8(IF);
    w.u8(VOID);
    w.u8(Op.return);
    w.u8(END);
    w.u8(Op.i32_const);
    w.u8(1);
    w.u8(Op.global_set);
    w.u32(plan.gStarted);
    writeCallReset(w, plan);
    // Counted as an entry, so a host function re-entering during the start code shares its budget.
    writeAddToGlobal(w, plan.gEntered, 1);
    for (const target of plan.startTargets) {
      w.u8(Op.call);
      w.u32(target);
    }
    writeAddToGlobal(w, plan.gEntered, -1);
    w.u8(END);
    w.patchSize(at);
  }
  for (const wrapper of plan.wrappers) writeWrapperBody(w, plan, wrapper);
}

/** A call's fresh start: fuel := budget, depth := 0, reason := NONE, and the host-call guards'. */
function writeCallReset(w: ByteWriter, plan: Plan): void {
  w.u8(Op.global_get);
  w.u32(plan.gBudget);
  w.u8(Op.global_set);
  w.u32(plan.gFuel);
  w.u8(Op.i32_const);
  w.u8(0);
  w.u8(Op.global_set);
  w.u32(plan.gDepth);
  w.u8(Op.i32_const);
  w.u8(0);
  w.u8(Op.global_set);
  w.u32(plan.gReason);
  writeGuardReset(w, plan);
}

/**
 * An export wrapper. Entered from the host (no call of the module's under way), it starts a
 * fresh budget, depth and reason; re-entered by a host function during a call (real
 * wasm-bindgen glue does this) it goes on with the call's budget and depth, so a host function
 * cannot buy its caller a new budget. A `() -> i32` export's nonzero return is signalled to the
 * limit import: RETURN_CODE_SIGNAL, then the code.
 */
function writeWrapperBody(w: ByteWriter, plan: Plan, wrapper: Wrapper): void {
  const type = plan.info.types[wrapper.typeIndex]!;
  const params = type.params.length;
  const signalsReturn = plan.opts.signalReturnCodes && plan.limitFunc !== undefined && params === 0 && type.results.length === 1 && type.results[0] === ValType.i32;
  const at = w.reserveSize();
  if (signalsReturn) {
    w.u8(1); // one local: the return code
    w.u8(1);
    w.u8(ValType.i32);
  } else {
    w.u8(0);
  }
  if (plan.fStart !== undefined) {
    // The deferred start code, if it has not run (it runs on fresh budgets of its own).
    w.u8(Op.global_get);
    w.u32(plan.gStarted);
    w.u8(Op.i32_eqz);
    w.u8(IF);
    w.u8(VOID);
    w.u8(Op.call);
    w.u32(plan.fStart);
    w.u8(END);
  }
  w.u8(Op.global_get);
  w.u32(plan.gEntered);
  w.u8(Op.i32_eqz);
  w.u8(IF);
  w.u8(VOID);
  writeCallReset(w, plan);
  w.u8(END);
  writeAddToGlobal(w, plan.gEntered, 1);
  for (let i = 0; i < params; i++) {
    w.u8(Op.local_get);
    w.u32(i);
  }
  w.u8(Op.call);
  w.u32(wrapper.target);
  writeAddToGlobal(w, plan.gEntered, -1);
  if (signalsReturn) {
    w.u8(Op.local_tee);
    w.u8(0);
    w.u8(IF);
    w.u8(VOID);
    w.u8(Op.i32_const);
    w.s32(RETURN_CODE_SIGNAL);
    w.u8(Op.call);
    w.u32(plan.limitFunc!);
    w.u8(Op.local_get);
    w.u8(0);
    w.u8(Op.call);
    w.u32(plan.limitFunc!);
    w.u8(END);
    w.u8(Op.local_get);
    w.u8(0);
  }
  w.u8(END);
  w.patchSize(at);
}

/**
 * `entered := 0` before a limit trap unwinds every frame, so the next entry from the host starts
 * a fresh budget on the same instance. (After a trap that is not a limit the count is stale: a
 * host must replace such an instance, as the ReedCMS host does after every trap.)
 */
function writeLeaveAll(w: ByteWriter, plan: Plan): void {
  w.u8(Op.i32_const);
  w.u8(0);
  w.u8(Op.global_set);
  w.u32(plan.gEntered);
}

/** A profiling wrapper: `profile(fn, 1)`, the function, `profile(fn, 0)` (results stay below). */
function writeProfileWrapperBody(w: ByteWriter, plan: Plan, wrapper: Wrapper): void {
  const at = w.reserveSize();
  w.u8(0);
  const report = (enter: number): void => {
    w.u8(Op.i32_const);
    w.s32(wrapper.target);
    w.u8(Op.i32_const);
    w.u8(enter);
    w.u8(Op.call);
    w.u32(plan.profileFunc!);
  };
  report(1);
  const params = plan.info.types[wrapper.typeIndex]!.params.length;
  for (let i = 0; i < params; i++) {
    w.u8(Op.local_get);
    w.u32(i);
  }
  w.u8(Op.call);
  w.u32(wrapper.target);
  report(0);
  w.u8(END);
  w.patchSize(at);
}

/** `global := global + delta` for an i32 global. */
function writeAddToGlobal(w: ByteWriter, global: number, delta: number): void {
  w.u8(Op.global_get);
  w.u32(global);
  w.u8(Op.i32_const);
  w.s32(delta);
  w.u8(Op.i32_add);
  w.u8(Op.global_set);
  w.u32(global);
}
