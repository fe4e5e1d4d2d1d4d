/**
 * Pass 2 over a function body: writes the size-prefixed output body, copying the input between
 * the events of pass 1 verbatim (four bytes at a time through `DataView`s) and inserting the
 * meters, syncs and exits from byte templates built once per fuel-local index, straight into a
 * buffer reserved up front. Rare events (remaps, memory.grow, size charges) use the writer.
 */
import { EV_EPILOGUE, EV_GROW, EV_LEAVE, EV_METER, EV_REMAP, EV_SIZE, EV_SYNC_IN, EV_SYNC_OUT } from './body-events.ts';
import type { ScanState } from './body-scan.ts';
import { Op } from './opcodes.ts';
import { BLOCK_TYPE_INDEX, type Plan } from './plan.ts';
import { writeDepthEnter, writeDepthLeave, writeFuelIn, writeFuelOut, writeMeterHead, writeMeterTail, writeSizeChargeEnd, writeSizeChargeHead, writeSizeChargeMid } from './snippets.ts';
import { ByteWriter } from './writer.ts';

/** Upper bound of the bytes one event inserts (a meter is about 15, a size charge about 45). */
const MAX_EVENT_BYTES = 64;

const EMPTY: Uint8Array = new Uint8Array(0);

/** Renders a snippet once into its own bytes. */
function render(write: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter(64);
  write(w);
  return w.copy();
}

/** The parts of an output body that depend only on the fuel-local index (empty when not needed). */
class Templates {
  /** `local.get fuel; i64.const` (the cost follows). */
  meterHead: Uint8Array = EMPTY;
  /** `i64.sub; local.tee fuel; i64.const 0; i64.lt_s; br_if` (the depth follows). */
  meterTail: Uint8Array = EMPTY;
  /** Fuel local -> global, before a call. */
  syncOut: Uint8Array = EMPTY;
  /** Fuel global -> local, after a call. */
  syncIn: Uint8Array = EMPTY;
  /** Depth guard, fuel load and the wrapper block openings, up to the block type. */
  prologue: Uint8Array = EMPTY;
  /** Closes the wrapper block, undoes depth and fuel, and the out-of-fuel tail. */
  epilogue: Uint8Array = EMPTY;
  /** The exit code before `return` and tail calls. */
  leave: Uint8Array = EMPTY;
  /** Size charge: `local.set s; local.get fuel; local.get s; i64.extend_i32_u; i64.const` (the shift and its op follow). */
  sizeHead: Uint8Array = EMPTY;
  /** Size charge: the meter tail (the depth follows). */
  sizeMid: Uint8Array = EMPTY;
  /** Size charge: `local.get s` (puts the size back). */
  sizeEnd: Uint8Array = EMPTY;
  /**
   * The common meter shape (one-byte fuel local, a 3-byte head and 7-byte tail) as three
   * little-endian words with the cost and depth bytes left 0, or `wordMeter` false.
   */
  wordMeter = false;
  /** `syncOut`, `syncIn`, `leave` and `epilogue` as little-endian words (zero-padded). */
  syncOutWords: Uint32Array = new Uint32Array(0);
  syncInWords: Uint32Array = new Uint32Array(0);
  leaveWords: Uint32Array = new Uint32Array(0);
  epilogueWords: Uint32Array = new Uint32Array(0);
  headWord = 0;
  tailWord0 = 0;
  tailWord1 = 0;

  constructor(plan: Plan, fuelLocal: number) {
    const fuel = plan.opts.fuel;
    const depth = plan.opts.maxCallDepth > 0;
    const scratch32 = fuelLocal + 1;
    if (fuel) {
      this.meterHead = render((w) => writeMeterHead(w, fuelLocal));
      this.meterTail = render((w) => writeMeterTail(w, plan, fuelLocal));
      this.syncOut = render((w) => writeFuelOut(w, plan, fuelLocal));
      this.syncIn = render((w) => writeFuelIn(w, plan, fuelLocal));
      const head = this.meterHead;
      const tail = this.meterTail;
      if (head.length === 3 && tail.length === 7) {
        this.wordMeter = true;
        this.headWord = head[0]! | (head[1]! << 8) | (head[2]! << 16);
        this.tailWord0 = (tail[0]! | (tail[1]! << 8) | (tail[2]! << 16) | (tail[3]! << 24)) >>> 0;
        this.tailWord1 = tail[4]! | (tail[5]! << 8) | (tail[6]! << 16);
      }
      // writeSizeCharge's pieces, around its two variable parts (shift and depth).
      this.sizeHead = render((w) => writeSizeChargeHead(w, fuelLocal, scratch32));
      this.sizeMid = render((w) => writeSizeChargeMid(w, plan, fuelLocal));
      this.sizeEnd = render((w) => writeSizeChargeEnd(w, scratch32));
    }
    this.prologue = render((w) => {
      // Count the frame and load the fuel, then wrap the body in a block of its results so that
      // every branch to the function label falls out into the epilogue, which undoes both.
      if (depth) writeDepthEnter(w, plan, scratch32);
      if (fuel) {
        writeFuelIn(w, plan, fuelLocal);
        w.u8(Op.block); // $outOfFuel: meters branch out of it when the fuel runs out
        w.u8(0x40);
      }
      w.u8(Op.block);
    });
    this.leave = render((w) => {
      if (depth) writeDepthLeave(w, plan);
      if (fuel) writeFuelOut(w, plan, fuelLocal);
    });
    this.epilogue = render((w) => {
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
    });
    this.syncOutWords = toWords(this.syncOut);
    this.syncInWords = toWords(this.syncIn);
    this.leaveWords = toWords(this.leave);
    this.epilogueWords = toWords(this.epilogue);
  }
}

/** `bytes` as little-endian 32-bit words, zero-padded to a whole word. */
function toWords(bytes: Uint8Array): Uint32Array {
  const words = new Uint32Array(Math.ceil(bytes.length / 4));
  for (let i = 0; i < bytes.length; i++) words[i >> 2]! |= bytes[i]! << ((i & 3) * 8);
  return words;
}

/**
 * Writes rewritten bodies of one module into `w` (one instance per module; it keeps the
 * templates of each fuel-local index, which many functions of a module share).
 */
export class BodyEmitter {
  private readonly input: DataView;
  private readonly scratch: boolean;
  /** Templates by fuel-local index: functions with as many locals share them. */
  private readonly templates = new Map<number, Templates>();

  constructor(
    private readonly bytes: Uint8Array,
    private readonly plan: Plan,
    private readonly w: ByteWriter,
  ) {
    this.input = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.scratch = plan.opts.fuel || plan.opts.maxCallDepth > 0;
  }

  /**
   * Writes the size-prefixed body of `bytes[start, end)` (local groups in
   * `[declStart, declEnd)`, `locals` locals including parameters) with `state`'s events applied.
   * Returns the number of meters written.
   */
  emit(state: ScanState, start: number, groups: number, declStart: number, declEnd: number, end: number, typeIndex: number, locals: number): number {
    const { bytes, plan, w } = this;
    const fuelLocal = locals; // i64: the function's working copy of the fuel global

    const sizeAt = w.reserveSize();
    // Without fuel and depth only remaps occur, and the templates are never read: one empty
    // set serves every function.
    const key = this.scratch ? locals : -1;
    let t = this.templates.get(key);
    if (t === undefined) {
      t = new Templates(plan, fuelLocal);
      this.templates.set(key, t);
    }
    if (!this.scratch) {
      w.bytes(bytes, start, declEnd);
    } else {
      w.u32(groups + 2);
      w.bytes(bytes, declStart, declEnd);
      w.u8(1);
      w.u8(0x7e); // fuel local: i64
      w.u8(1);
      w.u8(0x7f); // scratch32: i32
      w.bytes(t.prologue);
      const bt = plan.blockTypeOf.get(typeIndex)!;
      if (bt & BLOCK_TYPE_INDEX) w.s32(bt & ~BLOCK_TYPE_INDEX);
      else w.u8(bt);
    }

    const events = state.events;
    const count = state.count;
    if (count === 0) {
      w.bytes(bytes, declEnd, end);
      w.patchSize(sizeAt);
      return 0;
    }
    const head = t.meterHead;
    const tail = t.meterTail;
    const wordMeter = t.wordMeter;
    const headWord = t.headWord;
    const tailWord0 = t.tailWord0;
    const tailWord1 = t.tailWord1;
    const input = this.input;
    const inputWordEnd = bytes.length - 3; // a word read at or below this offset stays inside
    let meters = 0;
    // Reserve an upper bound once, then write straight into the buffer.
    let buf = w.reserve(end - declEnd + (count / 4) * MAX_EVENT_BYTES + 64);
    let out = w.view();
    let p = w.pos;
    let cursor = declEnd;
    for (let i = 0; i < count; i += 4) {
      const kind = events[i]!;
      const at = events[i + 1]!;
      // The unchanged run before the event, in words. The last word may read up to 3 bytes
      // past the run and write them past it: the output slack covers it and the bytes that
      // follow overwrite them. Only the module's very last bytes need the bytewise copy.
      const len = at - cursor;
      if (at <= inputWordEnd) {
        for (let k = 0; k < len; k += 4) out.setUint32(p + k, input.getUint32(cursor + k, true), true);
        p += len;
      } else {
        for (let j = cursor; j < at; j++) buf[p++] = bytes[j]!;
      }
      cursor = at;
      if (kind === EV_METER) {
        let cost = events[i + 3]!;
        if (cost === 0) continue;
        let label = events[i + 2]!;
        meters++;
        if (wordMeter && cost < 0x40 && label < 0x80) {
          // local.get fuel; i64.const cost | i64.sub; local.tee fuel; i64.const 0 | i64.lt_s; br_if label
          out.setUint32(p, headWord | (cost << 24), true);
          out.setUint32(p + 4, tailWord0, true);
          out.setUint32(p + 8, tailWord1 | (label << 24), true);
          p += 12;
          continue;
        }
        for (let k = 0; k < head.length; k++) buf[p++] = head[k]!;
        // i64.const immediate: signed LEB128 of a positive cost
        while (cost >= 0x40) {
          buf[p++] = (cost & 0x7f) | 0x80;
          cost >>>= 7;
        }
        buf[p++] = cost;
        for (let k = 0; k < tail.length; k++) buf[p++] = tail[k]!;
        // br_if to $outOfFuel: one label per enclosing block, plus the body wrapper
        while (label >= 0x80) {
          buf[p++] = (label & 0x7f) | 0x80;
          label >>>= 7;
        }
        buf[p++] = label;
        continue;
      }
      if (kind === EV_SIZE) {
        // Same bytes as writeSizeCharge, from the templates.
        const sizeHead = t.sizeHead;
        const sizeMid = t.sizeMid;
        const sizeEnd = t.sizeEnd;
        for (let k = 0; k < sizeHead.length; k++) buf[p++] = sizeHead[k]!;
        // value = shift: >= 0 charges size >>> shift, < 0 charges size << -shift (0-63: a one-byte LEB128)
        const shift = events[i + 3]!;
        buf[p++] = shift < 0 ? -shift : shift;
        buf[p++] = shift < 0 ? Op.i64_shl : Op.i64_shr_u;
        for (let k = 0; k < sizeMid.length; k++) buf[p++] = sizeMid[k]!;
        let label = events[i + 2]!;
        while (label >= 0x80) {
          buf[p++] = (label & 0x7f) | 0x80;
          label >>>= 7;
        }
        buf[p++] = label;
        for (let k = 0; k < sizeEnd.length; k++) buf[p++] = sizeEnd[k]!;
        continue;
      }
      if (kind === EV_SYNC_OUT || kind === EV_SYNC_IN || kind === EV_LEAVE || kind === EV_EPILOGUE) {
        // Whole words again (templates are zero-padded to a multiple of 4 bytes).
        const words = kind === EV_SYNC_OUT ? t.syncOutWords : kind === EV_SYNC_IN ? t.syncInWords : kind === EV_LEAVE ? t.leaveWords : t.epilogueWords;
        for (let k = 0; k < words.length; k++) out.setUint32(p + 4 * k, words[k]!, true);
        p += kind === EV_SYNC_OUT ? t.syncOut.length : kind === EV_SYNC_IN ? t.syncIn.length : kind === EV_LEAVE ? t.leave.length : t.epilogue.length;
        continue;
      }
      w.pos = p;
      if (kind === EV_REMAP) {
        w.u8(bytes[at]!);
        w.u32(events[i + 3]! >>> 0);
        cursor = events[i + 2]!;
      } else if (kind === EV_GROW) {
        w.u8(Op.call);
        w.u32(events[i + 3]! >>> 0);
        cursor = events[i + 2]!;
      }
      buf = w.reserve(0); // the same buffer (the bound covered it); re-read to stay safe
      out = w.view();
      p = w.pos;
    }
    w.pos = p;
    w.bytes(bytes, cursor, end);
    w.patchSize(sizeAt);
    return meters;
  }
}
