/**
 * Growable output buffer with LEB128 encoding. Section and body sizes are written as padded
 * 5-byte LEB128 placeholders and patched afterwards, so nothing is encoded twice (the spec allows
 * non-minimal LEB128 of up to 5 bytes for u32; wabt does the same).
 */
import { InstrumentError } from './errors.ts';

/** Appends bytes and integers to an auto-growing buffer. */
export class ByteWriter {
  private buf: Uint8Array<ArrayBuffer>;
  private dataView: DataView | undefined;
  pos = 0;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }

  /**
   * Makes room for `n` more bytes and returns the buffer, for hot loops that write directly
   * (`buf[w.pos++] = byte`) after reserving an upper bound once.
   */
  reserve(n: number): Uint8Array {
    this.ensure(n);
    return this.buf;
  }

  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.dataView = undefined;
  }

  /**
   * A `DataView` over the current buffer (valid until the next write that grows it), for hot
   * loops that copy several bytes per step after `reserve`.
   */
  view(): DataView {
    return (this.dataView ??= new DataView(this.buf.buffer));
  }

  u8(byte: number): void {
    this.ensure(1);
    this.buf[this.pos++] = byte;
  }

  /** Writes raw bytes, e.g. a range copied verbatim from the input. */
  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    if (n <= 0) return;
    this.ensure(n);
    const buf = this.buf;
    if (n < 64) {
      // Short runs are the common case between inserted meters; a loop beats subarray + set.
      let p = this.pos;
      for (let i = start; i < end; i++) buf[p++] = src[i]!;
      this.pos = p;
      return;
    }
    buf.set(src.subarray(start, end), this.pos);
    this.pos += n;
  }

  /** Unsigned LEB128 (minimal encoding). */
  u32(value: number): void {
    this.ensure(5);
    let v = value >>> 0;
    do {
      let byte = v & 0x7f;
      v >>>= 7;
      if (v !== 0) byte |= 0x80;
      this.buf[this.pos++] = byte;
    } while (v !== 0);
  }

  /** Signed LEB128 of a safe integer (i32 immediates and small i64 constants). */
  s32(value: number): void {
    this.ensure(10);
    let v = value;
    for (;;) {
      const byte = v & 0x7f;
      v = Math.floor(v / 128);
      const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
      this.buf[this.pos++] = done ? byte : byte | 0x80;
      if (done) return;
    }
  }

  /** Signed LEB128 of an i64 given as a bigint. */
  s64(value: bigint): void {
    if (value < -(1n << 63n) || value >= 1n << 63n) throw new InstrumentError(`i64 constant out of range: ${value}`);
    this.ensure(10);
    let v = value;
    for (;;) {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
      this.buf[this.pos++] = done ? byte : byte | 0x80;
      if (done) return;
    }
  }

  /** UTF-8 name with its length prefix. */
  name(text: string): void {
    const encoded = utf8.encode(text);
    this.u32(encoded.length);
    this.bytes(encoded);
  }

  /** Reserves a 5-byte size placeholder and returns its position for `patchSize`. */
  reserveSize(): number {
    this.ensure(5);
    const at = this.pos;
    this.pos += 5;
    return at;
  }

  /** Writes the number of bytes written since the placeholder as a padded 5-byte LEB128. */
  patchSize(at: number): void {
    const size = this.pos - at - 5;
    if (size > 0xffffffff) throw new InstrumentError('output section too large');
    this.patchU32Padded(at, size);
  }

  /** Writes `value` as a 5-byte LEB128 at `at` (overwriting a reserved placeholder). */
  patchU32Padded(at: number, value: number): void {
    let v = value >>> 0;
    for (let i = 0; i < 4; i++) {
      this.buf[at + i] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[at + 4] = v & 0x7f;
  }

  /**
   * The bytes written so far as a fresh, exact-size array. A plain loop: for the few bytes of a
   * template, `subarray().slice()` (two species lookups) costs more than the copy.
   */
  copy(): Uint8Array {
    const out = new Uint8Array(this.pos);
    for (let i = 0; i < this.pos; i++) out[i] = this.buf[i]!;
    return out;
  }

  /** The bytes written so far (a view; copy it if the writer is reused). */
  finish(): Uint8Array<ArrayBuffer> {
    return this.buf.subarray(0, this.pos);
  }
}

const utf8 = new TextEncoder();
