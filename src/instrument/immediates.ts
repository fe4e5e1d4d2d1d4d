/**
 * Skipping instruction immediates in function bodies: a branch-light inline LEB128 skipper for
 * the common short encodings, and the general (slower, fully checked) path for everything else.
 */
import { Imm, ONE_BYTE_IMM, skipMemarg, skipSimdImmediates } from './opcodes.ts';
import type { ByteReader } from './reader.ts';
import { readRefType, readValType } from './types.ts';

/**
 * Skips a LEB128 of at most 4 bytes in `bytes[pos, end)` and returns the position after it, or
 * -1 when it is longer or truncated (then the caller falls back to the checked `ByteReader`).
 * Any LEB128 of at most 4 bytes is in range for u32, s32 and s64, so no range check is needed.
 */
export function skipShortLeb(bytes: Uint8Array, pos: number, end: number): number {
  if (pos + 4 <= end) {
    if (bytes[pos]! < 0x80) return pos + 1;
    if (bytes[pos + 1]! < 0x80) return pos + 2;
    if (bytes[pos + 2]! < 0x80) return pos + 3;
    if (bytes[pos + 3]! < 0x80) return pos + 4;
    return -1;
  }
  for (let i = 0; i < 4 && pos < end; i++) if (bytes[pos++]! < 0x80) return pos;
  return -1;
}

/**
 * Skips the immediates of an opcode that needs no rewriting (read after the opcode byte with
 * `r`), or rejects an opcode outside the supported feature set, naming its proposal.
 */
export function skipImmediates(r: ByteReader, op: number, at: number): void {
  switch (ONE_BYTE_IMM[op]) {
    case Imm.NONE:
      return;
    case Imm.INDEX:
      r.u32();
      return;
    case Imm.INDEX2:
      r.u32();
      r.u32();
      return;
    case Imm.MEMARG:
      skipMemarg(r);
      return;
    case Imm.MEMIDX:
      if (r.u32() !== 0) r.fail('multiple memories are not supported', at);
      return;
    case Imm.I32:
      r.signed(32);
      return;
    case Imm.I64:
      r.skipS64();
      return;
    case Imm.F32:
      r.skip(4);
      return;
    case Imm.F64:
      r.skip(8);
      return;
    case Imm.SELECT_T: {
      const n = r.count();
      if (n !== 1) r.fail('select must name exactly one type', at);
      readValType(r);
      return;
    }
    case Imm.REF_NULL:
      readRefType(r);
      return;
    case Imm.PREFIX_FD:
      skipSimdImmediates(r, r.u32(), at);
      return;
    default:
      r.fail(`unsupported opcode 0x${op.toString(16)}${PROPOSAL_HINT[op] ?? ''}`, at);
  }
}

const PROPOSAL_HINT: Readonly<Record<number, string>> = {
  0x06: ' (exception handling)',
  0x07: ' (exception handling)',
  0x08: ' (exception handling)',
  0x09: ' (exception handling)',
  0x0a: ' (exception handling)',
  0x18: ' (exception handling)',
  0x19: ' (exception handling)',
  0x1f: ' (exception handling)',
  0x14: ' (typed function references)',
  0x15: ' (typed function references)',
  0xd3: ' (typed function references)',
  0xd4: ' (typed function references)',
  0xd5: ' (typed function references)',
  0xd6: ' (typed function references)',
  0xfb: ' (GC)',
  0xfe: ' (threads / atomics)',
};
