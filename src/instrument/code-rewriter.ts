/**
 * Rewrites one function body. Pass 1 decodes the instructions once and records "events" (where a
 * fuel meter goes and its cost, which instructions are replaced); pass 2 copies the input between
 * events verbatim and writes the inserted code. Nothing is decoded twice and unchanged code is
 * copied in runs, which is what keeps the rewriter fast.
 *
 * Cost model (see docs/instrument.md): every instruction costs 1 except the structural markers
 * `block`, `loop`, `else` and `end`, which cost 0. A metered block starts at the function entry,
 * at each loop header, at the start of each `if`/`else` arm, after each `br_if` and call, and
 * after the `end` of an `if` or of a `block` that some branch targets (the `end` of a loop or of
 * an untargeted block is only reached by falling through, so the block just continues). Its
 * whole cost is charged when it is entered. Code after an unconditional branch (br, br_table,
 * return, unreachable, return_call*) is dead until the enclosing block ends: no meter.
 *
 * Fuel lives in an i64 local inside each function (loaded at entry and after calls, stored
 * before calls and exits) and a meter that runs out branches to an out-of-fuel block wrapped
 * around the body; both keep the metering out of memory and free of calls in hot loops.
 */
import { MEMORY_BYTES_SHIFT, TABLE_ELEMS_SHIFT } from './constants.ts';
import { Imm, Misc, ONE_BYTE_IMM, Op, skipMemarg, skipMiscImmediates, skipSimdImmediates } from './opcodes.ts';
import { BLOCK_TYPE_INDEX, type Plan } from './plan.ts';
import { ByteReader } from './reader.ts';
import { readRefType, readValType, skipBlockType } from './types.ts';
import { writeDepthEnter, writeDepthLeave, writeFuelIn, writeFuelOut, writeMeterTail, writeSizeCharge } from './snippets.ts';
import { ByteWriter } from './writer.ts';

// Event kinds. Each event is 4 numbers in a flat array: kind, start, end, value.
const METER = 0; // insert a meter at `start`; value = cost
const REMAP = 1; // replace [start, end) with (opcode at start) + u32 value
const LEAVE = 2; // insert the exit code (depth -= 1, fuel local -> global) at `start`
const GROW = 3; // replace memory.grow [start, end) with a call to the grow helper
const SIZE = 4; // insert a size charge at `start`; value = shift
const EPILOGUE = 5; // insert `end` (of the wrapper block) + exit code before the final end
const SYNC_OUT = 6; // insert fuel local -> global at `start` (before a call)
const SYNC_IN = 7; // insert fuel global -> local at `start` (after a call)

const FRAME_BLOCK = 0;
const FRAME_LOOP = 1;
const FRAME_IF = 2;
const TARGETED = 4;

/** Records that a branch at nesting `level` targets relative label `depth`. */
function markTarget(frames: number[], level: number, depth: number): void {
  const i = level - 2 - depth; // frames[0] is the block at level 2; level 1 is the function
  if (i >= 0 && i < frames.length) frames[i]! |= TARGETED;
}

/** Upper bound of the bytes one event inserts (a meter is about 15, a size charge about 30). */
const MAX_EVENT_BYTES = 64;

/** Most locals an engine accepts per function (V8, SpiderMonkey, JSC agree). */
const MAX_LOCALS = 50_000;

/**
 * Rewrites function bodies of one module. One instance per module: it keeps its event list and
 * meter templates across bodies, and has no per-body closures (keeps the hot loop monomorphic).
 *
 * @example
 * ```ts
 * const rewriter = new BodyRewriter(bytes, plan, writer);
 * meters += rewriter.rewrite(bodyStart, bodyEnd, funcIndex);
 * ```
 */
export class BodyRewriter {
  private readonly events: number[] = [];
  /** Kind of each open block below the function level (FRAME_*), plus TARGETED once branched to. */
  private readonly frames: number[] = [];
  private readonly r: ByteReader;
  private readonly fuel: boolean;
  /** Meter bytes before the cost and after it, for the current fuel local. */
  private meterHead: Uint8Array = new Uint8Array(0);
  private meterTail: Uint8Array = new Uint8Array(0);
  private meterScratch = -1;
  /** `local.get fuel; global.set fuel` and the reverse, for the current fuel local. */
  private syncOut: Uint8Array = new Uint8Array(0);
  private syncIn: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly bytes: Uint8Array,
    private readonly plan: Plan,
    private readonly w: ByteWriter,
  ) {
    this.r = new ByteReader(bytes);
    this.fuel = plan.opts.fuel;
  }

  /**
   * Rewrites the body in `bytes[start, end)` (after its size prefix) of input function
   * `funcIndex` and writes it, size-prefixed. Returns the number of meters inserted.
   */
  rewrite(start: number, end: number, funcIndex: number): number {
    const { bytes, plan, r, events } = this;
    const { info, opts } = plan;
    r.pos = start;
    r.end = end;
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

    const fuel = this.fuel;
    const depth = opts.maxCallDepth > 0;
    const wrap = depth || fuel;
    const shift = plan.shift;
    const imported = info.importedFuncs;
    const typeCount = info.types.length;
    const totalFuncs = info.funcTypes.length;

    events.length = 0;
    const frames = this.frames;
    frames.length = 0;
    // Hot loop state lives in locals; `r` is only used for rarer, multi-byte immediates.
    let pos = r.pos;
    let level = 1; // open blocks, counting the function body itself
    let dead = 0; // level at which unreachable code began, 0 when live
    let cost = 0;
    let meter = this.openMeter(pos, fuel, 1);

    for (;;) {
      if (pos >= end) r.fail('function body ends without end', pos);
      const at = pos;
      const op = bytes[pos++]!;
      // Fast paths for the bulk of real code: numeric ops (no immediates) and local/global
      // access with a one-byte index.
      if (op >= 0x45 && op <= 0xc4) {
        cost++;
        continue;
      }
      if (op >= 0x20 && op <= 0x24 && bytes[pos]! < 0x80 && pos < end) {
        pos++;
        cost++;
        continue;
      }
      let boundary = false; // a new metered block starts after this instruction
      let killed = false; // the rest of the enclosing block is unreachable
      switch (ONE_BYTE_IMM[op]) {
        case 1: // NONE
          switch (op) {
            case 0x05: // else
              if (level === 1) r.fail('else outside if', at);
              if (dead === level) dead = 0;
              boundary = true;
              break;
            case 0x0b: // end
              if (level === 1) {
                if (meter >= 0) events[meter + 3] = cost;
                if (pos !== end) r.fail('function body continues after its final end', pos);
                if (wrap) events.push(EPILOGUE, at, at, 0);
                return this.emit(start, groups, declStart, declEnd, end, typeIndex, locals);
              }
              {
                // Only a label that something branches to (or an if's join) starts a new metered
                // block; a loop's end and an untargeted block's end are reached by falling
                // through, so the current block simply continues.
                const frame = frames.pop()!;
                level--;
                const deadInside = dead > level;
                if (deadInside) dead = 0;
                boundary = deadInside || (frame & 3) === FRAME_IF || frame === (FRAME_BLOCK | TARGETED);
              }
              break;
            case 0x00: // unreachable
              cost++;
              killed = true;
              break;
            case 0x0f: // return
              cost++;
              if (wrap) events.push(LEAVE, at, at, 0);
              killed = true;
              break;
            default:
              cost++;
          }
          break;
        case 3: { // INDEX
          let index = bytes[pos]!;
          if (index < 0x80 && pos < end) pos++;
          else {
            r.pos = pos;
            index = r.u32();
            pos = r.pos;
          }
          cost++;
          if (op >= 0x20 /* local_get */ && op <= 0x26) break; // locals, globals, tables: nothing to do
          if (op === 0x0c /* br */ || op === 0x0d /* br_if */) {
            markTarget(frames, level, index);
            if (op === 0x0c) killed = true;
            else boundary = true;
          }
          else if (op === 0x10 /* call */ || op === 0x12 /* return_call */ || op === 0xd2 /* ref_func */) {
            if (index >= totalFuncs) r.fail(`function index ${index} out of range`, at);
            if (op === 0x12 /* return_call */) {
              if (wrap) events.push(LEAVE, at, at, 0);
              killed = true;
            } else if (op === 0x10 /* call */) {
              if (fuel) events.push(SYNC_OUT, at, at, 0);
              boundary = true;
            }
            if (shift !== 0 && index >= imported) events.push(REMAP, at, pos, index + shift);
            if (fuel && op === 0x10) events.push(SYNC_IN, pos, pos, 0);
          }
          break;
        }
        case 5: { // MEMARG
          const align = bytes[pos]!;
          const offset = bytes[pos + 1]!;
          if (align < 0x40 && offset < 0x80 && pos + 1 < end) pos += 2;
          else {
            r.pos = pos;
            skipMemarg(r);
            pos = r.pos;
          }
          cost++;
          break;
        }
        case 7: { // I32
          if (bytes[pos]! < 0x80 && pos < end) pos++;
          else {
            r.pos = pos;
            r.signed(32);
            pos = r.pos;
          }
          cost++;
          break;
        }
        case 2: // BLOCKTYPE
          r.pos = pos;
          skipBlockType(r, typeCount);
          pos = r.pos;
          level++;
          frames.push(op === 0x02 ? FRAME_BLOCK : op === 0x03 ? FRAME_LOOP : FRAME_IF);
          if (op !== 0x02 /* block */) boundary = true; // loop header, if arm
          if (op === 0x04 /* if */) cost++;
          break;
        default:
          r.pos = pos;
          this.rareInstruction(op, at, fuel, wrap, level);
          pos = r.pos;
          cost++;
          if (op === 0x0e /* br_table */) killed = true;
          else if (op === 0x11 /* call_indirect */) boundary = true;
          else if (op === 0x13 /* return_call_indirect */) killed = true;
      }
      if (boundary) {
        if (meter >= 0) events[meter + 3] = cost;
        cost = 0;
        meter = this.openMeter(pos, fuel && dead === 0, level);
      } else if (killed) {
        if (meter >= 0) events[meter + 3] = cost;
        cost = 0;
        meter = -1;
        if (dead === 0) dead = level;
      }
    }
  }

  /** Starts a metered block at `at` (when metering and live); returns its event index or -1. */
  private openMeter(at: number, live: boolean, level: number): number {
    if (!live) return -1;
    const i = this.events.length;
    this.events.push(METER, at, level, 0); // the `end` slot carries the nesting level
    return i;
  }

  /** Decodes the less common instructions with `this.r` (positioned after the opcode). */
  private rareInstruction(op: number, at: number, fuel: boolean, wrap: boolean, level: number): void {
    const { r, events } = this;
    switch (op) {
      case Op.br_table: {
        const n = r.count();
        for (let i = 0; i <= n; i++) markTarget(this.frames, level, r.u32());
        return;
      }
      case Op.call_indirect:
        r.u32();
        r.u32();
        if (fuel) events.push(SYNC_OUT, at, at, 0, SYNC_IN, r.pos, r.pos, 0);
        return;
      case Op.return_call_indirect:
        r.u32();
        r.u32();
        if (wrap) events.push(LEAVE, at, at, 0);
        return;
      case Op.memory_grow:
        // The grow helper charges the fuel global: sync around it like a call.
        if (r.u32() !== 0) r.fail('multiple memories are not supported', at);
        if (fuel) events.push(SYNC_OUT, at, at, 0);
        events.push(GROW, at, r.pos, 0);
        if (fuel) events.push(SYNC_IN, r.pos, r.pos, 0);
        return;
      case Op.prefix_fc: {
        const sub = r.u32();
        skipMiscImmediates(r, sub, at);
        if (fuel) {
          if (sub === Misc.memory_copy || sub === Misc.memory_fill || sub === Misc.memory_init) {
            events.push(SIZE, at, level, MEMORY_BYTES_SHIFT);
          } else if (sub === Misc.table_copy || sub === Misc.table_fill || sub === Misc.table_init || sub === Misc.table_grow) {
            events.push(SIZE, at, level, TABLE_ELEMS_SHIFT);
          }
        }
        return;
      }
      case Op.prefix_fd:
        skipSimdImmediates(r, r.u32(), at);
        return;
      default:
        skipImmediates(r, op, at);
    }
  }

  /** Pass 2: writes the size-prefixed body with the recorded events applied. */
  private emit(start: number, groups: number, declStart: number, declEnd: number, end: number, typeIndex: number, locals: number): number {
    const { bytes, plan, w, events } = this;
    const depth = plan.opts.maxCallDepth > 0;
    const fuel = this.fuel;
    const fuelLocal = locals; // i64: the function's working copy of the fuel global
    const scratch32 = locals + 1;
    let meters = 0;
    const scratch = depth || fuel;
    if (fuel && this.meterScratch !== fuelLocal) this.buildMeterTemplate(fuelLocal);

    const sizeAt = w.reserveSize();
    if (scratch) {
      w.u32(groups + 2);
      w.bytes(bytes, declStart, declEnd);
      w.u8(1);
      w.u8(0x7e); // fuel local: i64
      w.u8(1);
      w.u8(0x7f); // scratch32: i32
    } else {
      w.bytes(bytes, start, declEnd);
    }
    if (scratch) {
      // Count the frame and load the fuel, then wrap the body in a block of its results so that
      // every branch to the function label falls out into the epilogue, which undoes both.
      if (depth) writeDepthEnter(w, plan, scratch32);
      if (fuel) {
        writeFuelIn(w, plan, fuelLocal);
        w.u8(Op.block); // $outOfFuel: meters branch out of it when the fuel runs out
        w.u8(0x40);
      }
      w.u8(Op.block);
      const bt = plan.blockTypeOf.get(typeIndex)!;
      if (bt & BLOCK_TYPE_INDEX) w.s32(bt & ~BLOCK_TYPE_INDEX);
      else w.u8(bt);
    }

    const head = this.meterHead;
    const tail = this.meterTail;
    // Reserve an upper bound once, then write straight into the buffer in the loop below.
    const bound = end - declEnd + (events.length / 4) * MAX_EVENT_BYTES + 64;
    let buf = w.reserve(bound);
    let p = w.pos;
    let cursor = declEnd;
    for (let i = 0; i < events.length; i += 4) {
      const kind = events[i]!;
      const at = events[i + 1]!;
      for (let j = cursor; j < at; j++) buf[p++] = bytes[j]!;
      cursor = at;
      if (kind === METER) {
        let cost = events[i + 3]!;
        if (cost > 0) {
          for (let j = 0; j < head.length; j++) buf[p++] = head[j]!;
          // i64.const immediate: signed LEB128 of a positive cost
          while (cost >= 0x40) {
            buf[p++] = (cost & 0x7f) | 0x80;
            cost >>>= 7;
          }
          buf[p++] = cost;
          for (let j = 0; j < tail.length; j++) buf[p++] = tail[j]!;
          // br_if to $outOfFuel: one label per enclosing block, plus the body wrapper
          let label = events[i + 2]!;
          while (label >= 0x80) {
            buf[p++] = (label & 0x7f) | 0x80;
            label >>>= 7;
          }
          buf[p++] = label;
          meters++;
        }
        continue;
      }
      if (kind === SYNC_OUT || kind === SYNC_IN) {
        // As frequent as calls: copied from the per-function templates like meters.
        const sync = kind === SYNC_OUT ? this.syncOut : this.syncIn;
        for (let j = 0; j < sync.length; j++) buf[p++] = sync[j]!;
        continue;
      }
      w.pos = p;
      switch (kind) {
        case REMAP:
          w.u8(bytes[at]!);
          w.u32(events[i + 3]!);
          cursor = events[i + 2]!;
          break;
        case LEAVE:
          if (depth) writeDepthLeave(w, plan);
          if (fuel) writeFuelOut(w, plan, fuelLocal);
          break;
        case GROW:
          w.u8(Op.call);
          w.u32(plan.fGrow!);
          cursor = events[i + 2]!;
          break;
        case SIZE:
          writeSizeCharge(w, plan, events[i + 3]!, fuelLocal, scratch32, events[i + 2]!);
          break;
        case EPILOGUE:
          w.u8(Op.end);
          if (depth) writeDepthLeave(w, plan);
          if (fuel) {
            writeFuelOut(w, plan, fuelLocal);
            w.u8(Op.return);
            w.u8(Op.end); // $outOfFuel: reached only by a meter's br_if
            w.u8(Op.call);
            w.u32(plan.fOutOfFuel!);
            w.u8(Op.unreachable);
          }
          break;
      }
      buf = w.reserve(0); // the same buffer (the bound covered it); re-read to stay safe
      p = w.pos;
    }
    w.pos = p;
    w.bytes(bytes, cursor, end);
    w.patchSize(sizeAt);
    return meters;
  }

  /** Caches the meter's bytes before the cost (`local.get fuel; i64.const`) and after it. */
  private buildMeterTemplate(fuelLocal: number): void {
    const head = new ByteWriter(8);
    head.u8(Op.local_get);
    head.u32(fuelLocal);
    head.u8(Op.i64_const);
    this.meterHead = head.finish().slice();
    const tail = new ByteWriter(32);
    writeMeterTail(tail, this.plan, fuelLocal);
    this.meterTail = tail.finish().slice();
    const out = new ByteWriter(16);
    writeFuelOut(out, this.plan, fuelLocal);
    this.syncOut = out.finish().slice();
    const into = new ByteWriter(16);
    writeFuelIn(into, this.plan, fuelLocal);
    this.syncIn = into.finish().slice();
    this.meterScratch = fuelLocal;
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
