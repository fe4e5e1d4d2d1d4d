/**
 * Pass 1 over a function body: decodes every instruction once, sums the static fuel cost of each
 * metered block and records the events pass 2 applies (see body-events.ts). One flat loop with
 * its state in locals, table-driven dispatch, inline LEB128 skipping for short immediates, and
 * no allocation per instruction or per body (the event and frame lists are reused, growing by
 * doubling); rare or malformed encodings take the fully checked `ByteReader` path.
 *
 * Cost model (docs/instrument.md): every instruction costs 1 except the structural markers
 * `block`, `loop`, `else` and `end`, which cost 0. A metered block starts at the function entry,
 * at each loop header, at the start of each `if`/`else` arm, after each `br_if` and call, and
 * after the `end` of an `if` or of a `block` that some branch targets (the `end` of a loop or of
 * an untargeted block is only reached by falling through, so the block just continues). Its
 * whole cost is charged when it is entered. Code after an unconditional branch (br, br_table,
 * return, unreachable, return_call*) is dead until the enclosing block ends: no meter.
 */
import { BULK_OP_BASE_FUEL, MEMORY_BYTES_SHIFT, TABLE_ELEMENT_FUEL_SHIFT } from './constants.ts';
import { EV_EPILOGUE, EV_GROW, EV_LEAVE, EV_METER, EV_REMAP, EV_SIZE, EV_SYNC_IN, EV_SYNC_OUT, MAX_SLOTS_PER_INSTRUCTION, growSlots } from './body-events.ts';
import { skipImmediates, skipShortLeb } from './immediates.ts';
import { Misc, skipMemarg, skipMiscImmediates } from './opcodes.ts';
import { ByteReader } from './reader.ts';
import { skipBlockType } from './types.ts';

const FRAME_BLOCK = 0;
const FRAME_LOOP = 1;
const FRAME_IF = 2;
const TARGETED = 4;

/** 1 for the bytes a one-byte block type may be: 0x40 (empty) and the value types. */
const SHORT_BLOCK_TYPE: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (const b of [0x40, 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]) t[b] = 1;
  return t;
})();

// Instruction kinds of the scan, by opcode (KIND). The first three are the fast paths.
const K_OTHER = 0; // immediates skipped by the checked reader; invalid opcodes are rejected there
const K_PLAIN = 1; // no immediate, cost 1, no event
const K_LEB = 2; // one LEB128 immediate, cost 1, no event
const K_MEMARG = 3; // a memarg, cost 1, no event
const K_END = 4;
const K_BLOCK = 5; // block, loop, if
const K_ELSE = 6;
const K_BR = 7; // br, br_if
const K_FUNC = 8; // call, return_call, ref.func
const K_UNREACHABLE = 9;
const K_RETURN = 10;
const K_FLOAT = 11; // f32.const, f64.const
const K_INDEX2 = 12; // call_indirect, return_call_indirect
const K_BR_TABLE = 13;
const K_MISC = 14; // 0xFC prefix
const K_GROW = 15; // memory.grow

/** Scan kind of each one-byte opcode. */
const KIND: Uint8Array = (() => {
  const t = new Uint8Array(256).fill(K_OTHER);
  for (let op = 0x45; op <= 0xc4; op++) t[op] = K_PLAIN; // numeric MVP + sign extension
  for (const op of [0x01, 0x1a, 0x1b, 0xd1]) t[op] = K_PLAIN; // nop, drop, select, ref.is_null
  for (let op = 0x20; op <= 0x26; op++) t[op] = K_LEB; // local.*, global.*, table.get/set
  t[0x41] = K_LEB; // i32.const
  t[0x42] = K_LEB; // i64.const
  for (let op = 0x28; op <= 0x3e; op++) t[op] = K_MEMARG; // loads and stores
  t[0x0b] = K_END;
  t[0x02] = t[0x03] = t[0x04] = K_BLOCK;
  t[0x05] = K_ELSE;
  t[0x0c] = t[0x0d] = K_BR;
  t[0x10] = t[0x12] = t[0xd2] = K_FUNC;
  t[0x00] = K_UNREACHABLE;
  t[0x0f] = K_RETURN;
  t[0x43] = t[0x44] = K_FLOAT;
  t[0x11] = t[0x13] = K_INDEX2;
  t[0x0e] = K_BR_TABLE;
  t[0xfc] = K_MISC;
  t[0x40] = K_GROW;
  return t;
})();

/** EV_SIZE value meaning "no size charge" (real values are shifts within ±63). */
const NO_SIZE_CHARGE = 0x7fff;

/**
 * Records the replacement of a grow instruction `[at, pos)` with a call of `helper`, which
 * charges the fuel global: synced out before and back in after, like a call. Returns the new
 * event count.
 */
function writeGrowEvents(ev: Int32Array, n: number, fuel: boolean, at: number, pos: number, helper: number): number {
  if (fuel) {
    ev[n] = EV_SYNC_OUT;
    ev[n + 1] = at;
    ev[n + 2] = at;
    ev[n + 3] = 0;
    n += 4;
  }
  ev[n] = EV_GROW;
  ev[n + 1] = at;
  ev[n + 2] = pos;
  ev[n + 3] = helper;
  n += 4;
  if (fuel) {
    ev[n] = EV_SYNC_IN;
    ev[n + 1] = pos;
    ev[n + 2] = pos;
    ev[n + 3] = 0;
    n += 4;
  }
  return n;
}

/**
 * The per-element price (a left shift) of table.fill/copy/init at `at`, by its table's element
 * type; table.copy pays the dearer of its two tables. Re-reads the table immediates (rare ops).
 */
function tableShift(ctx: ScanContext, bytes: Uint8Array, at: number, sub: number): number {
  const r = new ByteReader(bytes, at + 1);
  r.u32(); // sub-opcode
  const tables: number[] = [];
  if (sub === Misc.table_copy) tables.push(r.u32(), r.u32());
  else if (sub === Misc.table_init) {
    r.u32(); // element segment
    tables.push(r.u32());
  } else tables.push(r.u32());
  let shift = 0;
  for (const t of tables) {
    const refType = ctx.tableRefTypes[t];
    if (refType === undefined) return r.fail(`table index ${t} out of range`, at);
    shift = Math.max(shift, TABLE_ELEMENT_FUEL_SHIFT[refType] ?? 0);
  }
  return shift;
}

/** What pass 1 needs to know about the module and the options (fixed for one module). */
export interface ScanContext {
  /** Meter fuel. */
  fuel: boolean;
  /** Fuel or depth limit: exits need the LEAVE code and the body an epilogue. */
  wrap: boolean;
  /** How many added imports shift the defined functions (0 when none). */
  shift: number;
  /** Guard index by imported function index (-1: unguarded), when imports are guarded. */
  redirect?: Int32Array | undefined;
  /** Profiling wrapper index by defined function index (from 0), when profiling. */
  profileOf?: Int32Array | undefined;
  importedFuncs: number;
  typeCount: number;
  totalFuncs: number;
  /** Element type of each table, by table index. */
  tableRefTypes: readonly number[];
  /** Output index of each table's grow helper, by table index. */
  tableGrowFuncs: readonly number[];
  /** Output index of the memory.grow helper (-1 without a memory). */
  memoryGrowFunc: number;
}

/** Reusable buffers of pass 1 (one per module): `events[0, count)` after `scanBody`. */
export class ScanState {
  events: Int32Array = new Int32Array(4096);
  count = 0;
  /** Kind of each open block by nesting level (FRAME_*), plus TARGETED once branched to. */
  frames: Int32Array = new Int32Array(256);
}

/**
 * Decodes the instructions in `bytes[pos, end)` (a body after its local declarations, ending in
 * its final `end`) and fills `state` with its events. `r` must be bounded by `end`; it is used
 * for rare and malformed encodings, whose errors are thrown as `InstrumentError` with offsets.
 */
export function scanBody(state: ScanState, ctx: ScanContext, bytes: Uint8Array, r: ByteReader, pos: number, end: number): void {
  const fuel = ctx.fuel;
  const wrap = ctx.wrap;
  const shift = ctx.shift;
  const redirect = ctx.redirect;
  const profileOf = ctx.profileOf;
  const imported = ctx.importedFuncs;
  const typeCount = ctx.typeCount;
  const totalFuncs = ctx.totalFuncs;
  let ev = state.events;
  let frames = state.frames;
  let n = 0;
  let level = 1; // open blocks, counting the function body itself
  let dead = 0; // level at which unreachable code began, 0 when live
  let cost = 0;
  let meter = -1; // slot of the open metered block's event, -1 when none
  if (fuel) {
    ev[0] = EV_METER;
    ev[1] = pos;
    ev[2] = 1;
    ev[3] = 0;
    meter = 0;
    n = 4;
  }

  for (;;) {
    if (pos >= end) r.fail('function body ends without end', pos);
    const at = pos;
    const op = bytes[pos++]!;
    const kind = KIND[op]!;
    // Fast paths for the bulk of real code: no immediate, or one short immediate, no event.
    if (kind === K_PLAIN) {
      cost++;
      continue;
    }
    if (kind === K_LEB && bytes[pos]! < 0x80 && pos < end) {
      pos++;
      cost++;
      continue;
    }
    if (kind === K_MEMARG && bytes[pos]! < 0x40 && bytes[pos + 1]! < 0x80 && pos + 1 < end) {
      pos += 2;
      cost++;
      continue;
    }
    if (n + MAX_SLOTS_PER_INSTRUCTION > ev.length) {
      ev = growSlots(ev, n, n + MAX_SLOTS_PER_INSTRUCTION);
      state.events = ev;
    }
    let boundary = false; // a new metered block starts after this instruction
    let killed = false; // the rest of the enclosing block is unreachable
    switch (kind) {
      case K_END:
        if (level === 1) {
          if (meter >= 0) ev[meter + 3] = cost;
          if (pos !== end) r.fail('function body continues after its final end', pos);
          if (wrap) {
            ev[n] = EV_EPILOGUE;
            ev[n + 1] = at;
            ev[n + 2] = at;
            ev[n + 3] = 0;
            n += 4;
          }
          state.count = n;
          return;
        }
        {
          // Only a label that something branches to (or an if's join) starts a new metered
          // block; a loop's end and an untargeted block's end are reached by falling
          // through, so the current block simply continues.
          const frame = frames[level]!;
          level--;
          const deadInside = dead > level;
          if (deadInside) dead = 0;
          boundary = deadInside || (frame & 3) === FRAME_IF || frame === (FRAME_BLOCK | TARGETED);
        }
        break;
      case K_BLOCK:
        if (SHORT_BLOCK_TYPE[bytes[pos]!] === 1) pos++; // (may read past `end`, as the reader does: the loop check catches it)
        else {
          r.pos = pos;
          skipBlockType(r, typeCount);
          pos = r.pos;
        }
        level++;
        if (level >= frames.length) {
          frames = growSlots(frames, level, level + 1);
          state.frames = frames;
        }
        frames[level] = op === 0x02 ? FRAME_BLOCK : op === 0x03 ? FRAME_LOOP : FRAME_IF;
        if (op !== 0x02 /* block */) boundary = true; // loop header, if arm
        if (op === 0x04 /* if */) cost++;
        break;
      case K_ELSE:
        if (level === 1) r.fail('else outside if', at);
        if (dead === level) dead = 0;
        boundary = true;
        break;
      case K_LEB:
      case K_MEMARG: {
        // The longer encodings of the fast-path instructions.
        const next = kind === K_LEB ? skipShortLeb(bytes, pos, end) : bytes[pos]! < 0x40 && pos < end ? skipShortLeb(bytes, pos + 1, end) : -1;
        if (next >= 0) pos = next;
        else {
          r.pos = pos;
          if (kind === K_MEMARG) skipMemarg(r);
          else if (op === 0x41) r.signed(32);
          else if (op === 0x42) r.skipS64();
          else r.u32();
          pos = r.pos;
        }
        cost++;
        break;
      }
      case K_BR: {
        let index = bytes[pos]!;
        if (index < 0x80 && pos < end) pos++;
        else {
          r.pos = pos;
          index = r.u32();
          pos = r.pos;
        }
        cost++;
        const target = level - index; // frames[level] is the innermost open block
        if (target >= 2) frames[target]! |= TARGETED;
        if (op === 0x0c /* br */) killed = true;
        else boundary = true;
        break;
      }
      case K_FUNC: {
        // call, return_call, ref.func
        let index = bytes[pos]!;
        if (index < 0x80 && pos < end) pos++;
        else {
          r.pos = pos;
          index = r.u32();
          pos = r.pos;
        }
        cost++;
        if (index >= totalFuncs) r.fail(`function index ${index} out of range`, at);
        if (op === 0x12 /* return_call */) {
          if (wrap) {
            ev[n] = EV_LEAVE;
            ev[n + 1] = at;
            ev[n + 2] = at;
            ev[n + 3] = 0;
            n += 4;
          }
          killed = true;
        } else if (op === 0x10 /* call */) {
          if (fuel) {
            ev[n] = EV_SYNC_OUT;
            ev[n + 1] = at;
            ev[n + 2] = at;
            ev[n + 3] = 0;
            n += 4;
          }
          boundary = true;
        }
        const to = index >= imported ? (profileOf === undefined ? index + shift : profileOf[index - imported]!) : redirect === undefined ? -1 : redirect[index]!;
        if (to >= 0 && to !== index) {
          ev[n] = EV_REMAP;
          ev[n + 1] = at;
          ev[n + 2] = pos;
          ev[n + 3] = to;
          n += 4;
        }
        if (fuel && op === 0x10) {
          ev[n] = EV_SYNC_IN;
          ev[n + 1] = pos;
          ev[n + 2] = pos;
          ev[n + 3] = 0;
          n += 4;
        }
        break;
      }
      case K_UNREACHABLE:
        cost++;
        killed = true;
        break;
      case K_RETURN:
        cost++;
        if (wrap) {
          ev[n] = EV_LEAVE;
          ev[n + 1] = at;
          ev[n + 2] = at;
          ev[n + 3] = 0;
          n += 4;
        }
        killed = true;
        break;
      case K_FLOAT: {
        const size = op === 0x43 ? 4 : 8;
        if (pos + size <= end) pos += size;
        else {
          r.pos = pos;
          r.skip(size);
        }
        cost++;
        break;
      }
      case K_INDEX2: {
        // call_indirect, return_call_indirect: type index, table index
        r.pos = pos;
        r.u32();
        r.u32();
        pos = r.pos;
        cost++;
        if (op === 0x11 /* call_indirect */) {
          if (fuel) {
            ev[n] = EV_SYNC_OUT;
            ev[n + 1] = at;
            ev[n + 2] = at;
            ev[n + 3] = 0;
            ev[n + 4] = EV_SYNC_IN;
            ev[n + 5] = pos;
            ev[n + 6] = pos;
            ev[n + 7] = 0;
            n += 8;
          }
          boundary = true;
        } else {
          if (wrap) {
            ev[n] = EV_LEAVE;
            ev[n + 1] = at;
            ev[n + 2] = at;
            ev[n + 3] = 0;
            n += 4;
          }
          killed = true;
        }
        break;
      }
      case K_BR_TABLE: {
        r.pos = pos;
        const count = r.count();
        for (let i = 0; i <= count; i++) {
          const target = level - r.u32();
          if (target >= 2) frames[target]! |= TARGETED;
        }
        pos = r.pos;
        cost++;
        killed = true;
        break;
      }
      case K_MISC: {
        r.pos = pos;
        const sub = r.u32();
        if (sub === Misc.table_grow) {
          // Replaced by its table's grow helper, which checks the caps and charges fuel on the
          // fuel global: sync around it like a call.
          const table = r.u32();
          const helper = ctx.tableGrowFuncs[table];
          if (helper === undefined) r.fail(`table index ${table} out of range`, at);
          pos = r.pos;
          n = writeGrowEvents(ev, n, fuel, at, pos, helper);
          cost++;
          break;
        }
        skipMiscImmediates(r, sub, at);
        pos = r.pos;
        cost++;
        if (fuel) {
          let sizeShift = NO_SIZE_CHARGE;
          if (sub === Misc.memory_copy || sub === Misc.memory_fill || sub === Misc.memory_init) sizeShift = MEMORY_BYTES_SHIFT;
          else if (sub === Misc.table_copy || sub === Misc.table_fill || sub === Misc.table_init) sizeShift = -tableShift(ctx, bytes, at, sub);
          if (sizeShift !== NO_SIZE_CHARGE) {
            cost += BULK_OP_BASE_FUEL;
            ev[n] = EV_SIZE;
            ev[n + 1] = at;
            ev[n + 2] = level;
            ev[n + 3] = sizeShift;
            n += 4;
          }
        }
        break;
      }
      case K_GROW:
        r.pos = pos;
        if (r.u32() !== 0) r.fail('multiple memories are not supported', at);
        pos = r.pos;
        n = writeGrowEvents(ev, n, fuel, at, pos, ctx.memoryGrowFunc);
        cost++;
        break;
      default:
        // memory.size, select t, ref.null, SIMD; rejects everything else
        r.pos = pos;
        skipImmediates(r, op, at);
        pos = r.pos;
        cost++;
    }
    if (boundary) {
      if (meter >= 0) ev[meter + 3] = cost;
      cost = 0;
      if (fuel && dead === 0) {
        meter = n;
        ev[n] = EV_METER;
        ev[n + 1] = pos;
        ev[n + 2] = level; // the br_if depth to the out-of-fuel block
        ev[n + 3] = 0;
        n += 4;
      } else meter = -1;
    } else if (killed) {
      if (meter >= 0) ev[meter + 3] = cost;
      cost = 0;
      meter = -1;
      if (dead === 0) dead = level;
    }
  }
}
