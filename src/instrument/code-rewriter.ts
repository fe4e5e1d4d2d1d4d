/**
 * Rewrites one function body. Pass 1 decodes the instructions once and records "events" (where a
 * fuel meter goes and its cost, which instructions are replaced); pass 2 copies the input between
 * events verbatim and writes the inserted code. Nothing is decoded twice and unchanged code is
 * copied in runs, which is what keeps the rewriter fast.
 *
 * Cost model (see docs/instrument.md): every instruction costs 1 except the structural markers
 * `block`, `loop`, `else` and `end`, which cost 0. A metered block starts at the function entry,
 * at each loop header, at the start of each `if`/`else` arm, after each `end`, and after each
 * `br_if` and call; its whole cost is charged when it is entered. Code after an unconditional
 * branch (br, br_table, return, unreachable, return_call*) is dead until the enclosing block ends,
 * so it gets no meter.
 */
import { MEMORY_BYTES_SHIFT, TABLE_ELEMS_SHIFT } from './constants.ts';
import { Imm, Misc, ONE_BYTE_IMM, Op, skipMemarg, skipMiscImmediates, skipSimdImmediates } from './opcodes.ts';
import { BLOCK_TYPE_INDEX, type Plan } from './plan.ts';
import { ByteReader } from './reader.ts';
import { readRefType, readValType, skipBlockType } from './types.ts';
import { writeDepthEnter, writeDepthLeave, writeMeter, writeSizeCharge } from './snippets.ts';
import type { ByteWriter } from './writer.ts';

// Event kinds. Each event is 4 numbers in a flat array: kind, start, end, value.
const METER = 0; // insert a meter at `start`; value = cost
const REMAP = 1; // replace [start, end) with (opcode at start) + u32 value
const DEPTH_LEAVE = 2; // insert depth -= 1 at `start`
const GROW = 3; // replace memory.grow [start, end) with a call to the grow helper
const SIZE = 4; // insert a size charge at `start`; value = shift
const EPILOGUE = 5; // insert `end` (of the depth block) + depth -= 1 before the final end

/** Most locals an engine accepts per function (V8, SpiderMonkey, JSC agree). */
const MAX_LOCALS = 50_000;

/** Reused across bodies to avoid allocating per function. */
const events: number[] = [];

/**
 * Rewrites the function body in `bytes[start, end)` (after its size prefix) and writes it,
 * size-prefixed, to `w`. Returns the number of meters inserted.
 *
 * @example
 * ```ts
 * const meters = rewriteBody(bytes, bodyStart, bodyEnd, funcIndex, plan, writer);
 * ```
 */
export function rewriteBody(bytes: Uint8Array, start: number, end: number, funcIndex: number, plan: Plan, w: ByteWriter): number {
  const r = new ByteReader(bytes, start, end);
  const { info, opts } = plan;
  const typeIndex = info.funcTypes[funcIndex]!;
  const params = info.types[typeIndex]!.params.length;

  // Locals: counted so the two scratch locals can be appended after them.
  const groups = r.u32();
  const declStart = r.pos;
  let locals = params;
  for (let g = 0; g < groups; g++) {
    const at = r.pos;
    locals += r.u32();
    if (locals > MAX_LOCALS) r.fail('too many locals', at);
    readValType(r);
  }
  const declEnd = r.pos;
  const scratch64 = locals;
  const scratch32 = locals + 1;

  const fuel = opts.fuel;
  const depth = opts.maxCallDepth > 0;
  const shift = plan.shift;
  const imported = info.importedFuncs;
  const totalFuncs = info.funcTypes.length;
  const typeCount = info.types.length;

  events.length = 0;
  let level = 1; // open blocks, counting the function body itself
  let dead = 0; // level at which unreachable code began, 0 when live
  let meter = -1; // index in `events` of the open meter, -1 when none
  let cost = 0;

  // Closes the current metered block and opens one at `at` (none in dead code).
  const open = (at: number): void => {
    if (meter >= 0) events[meter + 3] = cost;
    cost = 0;
    if (dead !== 0 || !fuel) {
      meter = -1;
      return;
    }
    meter = events.length;
    events.push(METER, at, at, 0);
  };
  const kill = (): void => {
    if (meter >= 0) events[meter + 3] = cost;
    cost = 0;
    meter = -1;
    if (dead === 0) dead = level;
  };
  const funcIndexAt = (at: number): number => {
    const f = r.u32();
    if (f >= totalFuncs) r.fail(`function index ${f} out of range`, at);
    return f;
  };

  open(r.pos);
  for (;;) {
    if (r.pos >= end) r.fail('function body ends without end', r.pos);
    const at = r.pos;
    const op = bytes[r.pos++]!;
    switch (op) {
      case Op.block:
        skipBlockType(r, typeCount);
        level++;
        break;
      case Op.loop:
        skipBlockType(r, typeCount);
        level++;
        open(r.pos);
        break;
      case Op.if:
        skipBlockType(r, typeCount);
        cost++;
        level++;
        open(r.pos);
        break;
      case Op.else:
        if (level === 1) r.fail('else outside if', at);
        if (dead === level) dead = 0;
        open(r.pos);
        break;
      case Op.end:
        if (level === 1) {
          if (meter >= 0) events[meter + 3] = cost;
          if (r.pos !== end) r.fail('function body continues after its final end', r.pos);
          if (depth) events.push(EPILOGUE, at, at, 0);
          return emit(bytes, start, groups, declStart, declEnd, r.pos, plan, w, typeIndex, scratch64, scratch32);
        }
        level--;
        if (dead > level) dead = 0;
        open(r.pos);
        break;
      case Op.br:
        r.u32();
        cost++;
        kill();
        break;
      case Op.br_if:
        r.u32();
        cost++;
        open(r.pos);
        break;
      case Op.br_table: {
        const n = r.count();
        for (let i = 0; i <= n; i++) r.u32();
        cost++;
        kill();
        break;
      }
      case Op.unreachable:
        cost++;
        kill();
        break;
      case Op.return:
        cost++;
        if (depth) events.push(DEPTH_LEAVE, at, at, 0);
        kill();
        break;
      case Op.call: {
        const f = funcIndexAt(at);
        cost++;
        if (shift !== 0 && f >= imported) events.push(REMAP, at, r.pos, f + shift);
        open(r.pos);
        break;
      }
      case Op.call_indirect:
        r.u32();
        r.u32();
        cost++;
        open(r.pos);
        break;
      case Op.return_call: {
        const f = funcIndexAt(at);
        cost++;
        if (depth) events.push(DEPTH_LEAVE, at, at, 0);
        if (shift !== 0 && f >= imported) events.push(REMAP, at, r.pos, f + shift);
        kill();
        break;
      }
      case Op.return_call_indirect:
        r.u32();
        r.u32();
        cost++;
        if (depth) events.push(DEPTH_LEAVE, at, at, 0);
        kill();
        break;
      case Op.memory_grow:
        if (r.u32() !== 0) r.fail('multiple memories are not supported', at);
        cost++;
        events.push(GROW, at, r.pos, 0);
        break;
      case Op.ref_func: {
        const f = funcIndexAt(at);
        cost++;
        if (shift !== 0 && f >= imported) events.push(REMAP, at, r.pos, f + shift);
        break;
      }
      case Op.prefix_fc: {
        const sub = r.u32();
        skipMiscImmediates(r, sub, at);
        cost++;
        if (fuel) {
          if (sub === Misc.memory_copy || sub === Misc.memory_fill || sub === Misc.memory_init) {
            events.push(SIZE, at, at, MEMORY_BYTES_SHIFT);
          } else if (sub === Misc.table_copy || sub === Misc.table_fill || sub === Misc.table_init || sub === Misc.table_grow) {
            events.push(SIZE, at, at, TABLE_ELEMS_SHIFT);
          }
        }
        break;
      }
      case Op.prefix_fd:
        skipSimdImmediates(r, r.u32(), at);
        cost++;
        break;
      default:
        skipImmediates(r, op, at);
        cost++;
    }
  }
}

/** Skips the immediates of an opcode with no special treatment, or rejects it. */
function skipImmediates(r: ByteReader, op: number, at: number): void {
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

/** Pass 2: writes the size-prefixed body with the recorded events applied. */
function emit(
  bytes: Uint8Array,
  start: number,
  groups: number,
  declStart: number,
  declEnd: number,
  end: number,
  plan: Plan,
  w: ByteWriter,
  typeIndex: number,
  scratch64: number,
  scratch32: number,
): number {
  const depth = plan.opts.maxCallDepth > 0;
  let meters = 0;
  let scratch = depth;
  for (let i = 0; i < events.length; i += 4) {
    const kind = events[i]!;
    if ((kind === METER && events[i + 3]! > 0) || kind === SIZE) scratch = true;
  }

  const sizeAt = w.reserveSize();
  if (scratch) {
    w.u32(groups + 2);
    w.bytes(bytes, declStart, declEnd);
    w.u8(1);
    w.u8(0x7e); // scratch64: i64
    w.u8(1);
    w.u8(0x7f); // scratch32: i32
  } else {
    w.bytes(bytes, start, declEnd);
  }
  if (depth) {
    // Count the frame, then wrap the body in a block of its results so that every branch to
    // the function label falls out into the epilogue, which uncounts it.
    writeDepthEnter(w, plan, scratch32);
    w.u8(Op.block);
    const bt = plan.blockTypeOf.get(typeIndex)!;
    if (bt & BLOCK_TYPE_INDEX) w.s32(bt & ~BLOCK_TYPE_INDEX);
    else w.u8(bt);
  }

  let cursor = declEnd;
  for (let i = 0; i < events.length; i += 4) {
    const kind = events[i]!;
    const at = events[i + 1]!;
    w.bytes(bytes, cursor, at);
    cursor = at;
    switch (kind) {
      case METER: {
        const cost = events[i + 3]!;
        if (cost > 0) {
          writeMeter(w, plan, cost, scratch64);
          meters++;
        }
        break;
      }
      case REMAP:
        w.u8(bytes[at]!);
        w.u32(events[i + 3]!);
        cursor = events[i + 2]!;
        break;
      case DEPTH_LEAVE:
        writeDepthLeave(w, plan);
        break;
      case GROW:
        w.u8(Op.call);
        w.u32(plan.fGrow!);
        cursor = events[i + 2]!;
        break;
      case SIZE:
        writeSizeCharge(w, plan, events[i + 3]!, scratch64, scratch32);
        break;
      case EPILOGUE:
        w.u8(Op.end);
        writeDepthLeave(w, plan);
        break;
    }
  }
  w.bytes(bytes, cursor, end);
  w.patchSize(sizeAt);
  return meters;
}
