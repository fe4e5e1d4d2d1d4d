/**
 * Opcode table: which immediates follow each opcode of WebAssembly 2.0 (MVP, sign extension,
 * saturating truncation, multi-value, bulk memory, reference types, fixed-width SIMD) plus tail
 * calls. Opcodes of other proposals (exceptions, GC, threads/atomics, memory64, relaxed SIMD,
 * typed function references) are marked invalid so the rewriter rejects them instead of guessing.
 */
import type { ByteReader } from './reader.ts';

/** Immediate layout of a one-byte opcode. */
export const Imm = {
  INVALID: 0,
  NONE: 1,
  BLOCKTYPE: 2,
  INDEX: 3, // one u32 (labels, functions, locals, globals, tables)
  INDEX2: 4, // two u32 (call_indirect: type, table)
  MEMARG: 5,
  MEMIDX: 6, // memory.size / memory.grow
  I32: 7,
  I64: 8,
  F32: 9,
  F64: 10,
  BR_TABLE: 11,
  SELECT_T: 12,
  REF_NULL: 13,
  PREFIX_FC: 14,
  PREFIX_FD: 15,
} as const;

/** Named opcodes the rewriter treats specially. */
export const Op = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  br_table: 0x0e,
  return: 0x0f,
  call: 0x10,
  call_indirect: 0x11,
  return_call: 0x12,
  return_call_indirect: 0x13,
  local_get: 0x20,
  local_set: 0x21,
  local_tee: 0x22,
  global_get: 0x23,
  global_set: 0x24,
  memory_grow: 0x40,
  i32_const: 0x41,
  i64_const: 0x42,
  i32_add: 0x6a,
  i32_sub: 0x6b,
  i32_eqz: 0x45,
  i32_eq: 0x46,
  i32_gt_u: 0x4b,
  i64_lt_s: 0x53,
  i64_sub: 0x7d,
  i64_mul: 0x7e,
  i64_shl: 0x86,
  i64_shr_u: 0x88,
  i64_extend_i32_u: 0xad,
  ref_func: 0xd2,
  prefix_fc: 0xfc,
  prefix_fd: 0xfd,
} as const;

/** Immediate kind for every one-byte opcode (index = opcode). */
export const ONE_BYTE_IMM: Uint8Array = (() => {
  const t = new Uint8Array(256); // INVALID by default
  const set = (from: number, to: number, kind: number): void => {
    for (let op = from; op <= to; op++) t[op] = kind;
  };
  set(0x00, 0x01, Imm.NONE); // unreachable, nop
  set(0x02, 0x04, Imm.BLOCKTYPE); // block, loop, if
  t[0x05] = Imm.NONE; // else
  t[0x0b] = Imm.NONE; // end
  set(0x0c, 0x0d, Imm.INDEX); // br, br_if
  t[0x0e] = Imm.BR_TABLE;
  t[0x0f] = Imm.NONE; // return
  t[0x10] = Imm.INDEX; // call
  t[0x11] = Imm.INDEX2; // call_indirect
  t[0x12] = Imm.INDEX; // return_call (tail calls)
  t[0x13] = Imm.INDEX2; // return_call_indirect
  set(0x1a, 0x1b, Imm.NONE); // drop, select
  t[0x1c] = Imm.SELECT_T;
  set(0x20, 0x26, Imm.INDEX); // local.get/set/tee, global.get/set, table.get/set
  set(0x28, 0x3e, Imm.MEMARG); // loads and stores
  set(0x3f, 0x40, Imm.MEMIDX); // memory.size, memory.grow
  t[0x41] = Imm.I32;
  t[0x42] = Imm.I64;
  t[0x43] = Imm.F32;
  t[0x44] = Imm.F64;
  set(0x45, 0xc4, Imm.NONE); // numeric MVP + sign extension
  t[0xd0] = Imm.REF_NULL;
  t[0xd1] = Imm.NONE; // ref.is_null
  t[0xd2] = Imm.INDEX; // ref.func
  t[0xfc] = Imm.PREFIX_FC;
  t[0xfd] = Imm.PREFIX_FD;
  return t;
})();

/** 0xFC sub-opcodes (saturating truncation, bulk memory, table ops). */
export const Misc = {
  memory_init: 8,
  data_drop: 9,
  memory_copy: 10,
  memory_fill: 11,
  table_init: 12,
  elem_drop: 13,
  table_copy: 14,
  table_grow: 15,
  table_size: 16,
  table_fill: 17,
} as const;

/** Skips the immediates of a 0xFC instruction whose sub-opcode was already read. */
export function skipMiscImmediates(r: ByteReader, sub: number, at: number): void {
  if (sub <= 7) return; // i32/i64.trunc_sat_*
  switch (sub) {
    case Misc.memory_init: // dataidx, memidx
    case Misc.memory_copy: // memidx, memidx
    case Misc.table_init: // elemidx, tableidx
    case Misc.table_copy: // tableidx, tableidx
      r.u32();
      r.u32();
      return;
    case Misc.data_drop:
    case Misc.memory_fill:
    case Misc.elem_drop:
    case Misc.table_grow:
    case Misc.table_size:
    case Misc.table_fill:
      r.u32();
      return;
    default:
      r.fail(`unsupported instruction 0xfc ${sub}`, at);
  }
}

/** SIMD sub-opcodes that are not assigned in the final fixed-width SIMD proposal. */
const SIMD_GAPS = new Set([154, 162, 165, 166, 175, 176, 178, 179, 180, 187, 194, 197, 198, 207, 208, 210, 211, 212, 226, 238]);

/**
 * Skips the immediates of a 0xFD (SIMD) instruction whose sub-opcode was already read. Relaxed
 * SIMD (0x100 and up) is rejected: its results differ between engines.
 */
export function skipSimdImmediates(r: ByteReader, sub: number, at: number): void {
  if (sub > 255 || SIMD_GAPS.has(sub)) r.fail(`unsupported SIMD instruction 0xfd ${sub}`, at);
  if (sub <= 11 || sub === 92 || sub === 93) {
    skipMemarg(r); // v128.load*, v128.store, load32/64_zero
  } else if (sub === 12 || sub === 13) {
    r.skip(16); // v128.const, i8x16.shuffle
  } else if (sub >= 21 && sub <= 34) {
    r.skip(1); // extract_lane / replace_lane
  } else if (sub >= 84 && sub <= 91) {
    skipMemarg(r); // load*_lane / store*_lane
    r.skip(1);
  }
}

/** Skips a memarg: alignment flags (bit 6 announces a multi-memory index) and offset. */
export function skipMemarg(r: ByteReader): void {
  const at = r.pos;
  const align = r.u32();
  if (align & 0x40) {
    if (r.u32() !== 0) r.fail('multiple memories are not supported', at);
  } else if (align >= 0x40) {
    r.fail('invalid memarg alignment', at);
  }
  r.u32();
}
