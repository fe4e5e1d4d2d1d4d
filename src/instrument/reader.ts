/**
 * Bounds-checked cursor over module bytes with LEB128 decoding. Every read checks its limit and
 * throws `InstrumentError` with the offset, so hostile input can never cause a RangeError or an
 * out-of-bounds `undefined` to leak into the rewriter.
 */
import { InstrumentError } from './errors.ts';

/** Reads bytes and LEB128 integers from `bytes[pos, end)`. */
export class ByteReader {
  pos: number;
  end: number;
  readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  /** Throws an `InstrumentError` pointing at the current (or given) offset. */
  fail(message: string, offset: number = this.pos): never {
    throw new InstrumentError(message, { offset });
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Reads one byte. */
  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected end of data');
    return this.bytes[this.pos++]!;
  }

  /** Unsigned LEB128, at most 5 bytes, value < 2^32. */
  u32(): number {
    const start = this.pos;
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) this.fail('truncated LEB128', start);
      const byte = this.bytes[this.pos++]!;
      if (shift === 28) {
        // Fifth byte: only the low 4 bits may be set and it must be the last one.
        if ((byte & 0xf0) !== 0) this.fail('LEB128 u32 out of range', start);
        return (result | (byte << 28)) >>> 0;
      }
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  }

  /** Signed LEB128 of at most `bits` bits (32 or 33); returns a JS number. */
  signed(bits: 32 | 33): number {
    const start = this.pos;
    const maxBytes = Math.ceil(bits / 7);
    let result = 0;
    let mul = 1;
    for (let i = 0; i < maxBytes; i++) {
      if (this.pos >= this.end) this.fail('truncated LEB128', start);
      const byte = this.bytes[this.pos++]!;
      result += (byte & 0x7f) * mul;
      mul *= 128;
      if ((byte & 0x80) === 0) {
        if (byte & 0x40) result -= mul;
        if (i === maxBytes - 1) {
          // The unused high bits of the last byte must be a sign extension of the value.
          const unused = 7 - (bits - 7 * (maxBytes - 1));
          const top = (byte >> (7 - unused - 1)) & ((1 << (unused + 1)) - 1);
          if (top !== 0 && top !== (1 << (unused + 1)) - 1) this.fail(`LEB128 s${bits} out of range`, start);
        }
        return result;
      }
    }
    return this.fail(`LEB128 s${bits} too long`, start);
  }

  /** Skips a signed LEB128 of at most 10 bytes (i64 immediates; the value itself is never needed). */
  skipS64(): void {
    const start = this.pos;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('truncated LEB128', start);
      const byte = this.bytes[this.pos++]!;
      if ((byte & 0x80) === 0) {
        if (i === 9 && byte !== 0 && byte !== 0x7f) this.fail('LEB128 s64 out of range', start);
        return;
      }
    }
    this.fail('LEB128 s64 too long', start);
  }

  /** Skips `n` bytes. */
  skip(n: number): void {
    if (n < 0 || this.pos + n > this.end) this.fail('unexpected end of data');
    this.pos += n;
  }

  /** A vector length that must fit in the remaining bytes (each element takes at least `minSize`). */
  count(minSize = 1): number {
    const start = this.pos;
    const n = this.u32();
    if (n * minSize > this.end - this.pos) this.fail(`vector length ${n} exceeds the remaining data`, start);
    return n;
  }

  /** Reads a length-prefixed UTF-8 name and returns it decoded (fatal on invalid UTF-8). */
  name(): string {
    const len = this.count();
    const start = this.pos;
    this.pos += len;
    try {
      return utf8.decode(this.bytes.subarray(start, start + len));
    } catch (cause) {
      throw new InstrumentError('invalid UTF-8 in name', { offset: start, cause });
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
