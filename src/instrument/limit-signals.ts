/**
 * The two snippets every added helper ends a limit with, in a file of their own so the helpers
 * (grow-helpers.ts, host-call-guards.ts) and the function writer (snippets.ts) all import them
 * without importing each other.
 */
import { Op } from './opcodes.ts';
import type { Plan } from './plan.ts';
import type { ByteWriter } from './writer.ts';

const VOID = 0x40;

/** For helpers without a fuel local: `local.tee s; global.set fuel; local.get s; i64.const 0; i64.lt_s; if call outOfFuel end` */
export function writeStoreAndCheckFuel(w: ByteWriter, plan: Plan, scratch64: number): void {
  w.u8(Op.local_tee);
  w.u32(scratch64);
  w.u8(Op.global_set);
  w.u32(plan.gFuel);
  w.u8(Op.local_get);
  w.u32(scratch64);
  w.u8(Op.i64_const);
  w.u8(0);
  w.u8(Op.i64_lt_s);
  w.u8(Op.if);
  w.u8(VOID);
  w.u8(Op.call);
  w.u32(plan.fOutOfFuel!);
  w.u8(Op.end);
}

/** `reason := code; limitImport(code)` (the import call only when one is configured). */
export function writeSetReason(w: ByteWriter, plan: Plan, code: number): void {
  w.u8(Op.i32_const);
  w.u8(code);
  w.u8(Op.global_set);
  w.u32(plan.gReason);
  if (plan.limitFunc !== undefined) {
    w.u8(Op.i32_const);
    w.u8(code);
    w.u8(Op.call);
    w.u32(plan.limitFunc);
  }
}
