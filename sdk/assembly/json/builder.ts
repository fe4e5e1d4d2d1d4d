/**
 * A growable UTF-16 buffer for building strings in linear time (repeated `+=` is quadratic).
 *
 * @example
 * ```ts
 * const b = new StringBuilder();
 * b.append("a"); b.appendCode(0x2192);
 * b.toString(); // "a→"
 * ```
 */
export class StringBuilder {
  private buffer: ArrayBuffer;
  private units: i32 = 0;

  constructor(capacityUnits: i32 = 64) {
    this.buffer = new ArrayBuffer(max(capacityUnits, 8) << 1);
  }

  /** Number of UTF-16 code units written so far. @example `b.length` */
  get length(): i32 {
    return this.units;
  }

  /**
   * Appends a whole string.
   * @example `b.append("text")`
   */
  append(text: string): void {
    const n = text.length;
    if (n == 0) return;
    this.reserve(n);
    memory.copy(changetype<usize>(this.buffer) + (<usize>this.units << 1), changetype<usize>(text), <usize>n << 1);
    this.units += n;
  }

  /**
   * Appends `text.substring(start, end)` without allocating the substring.
   * @example `b.appendRange("hello", 1, 3) // "el"`
   */
  appendRange(text: string, start: i32, end: i32): void {
    const n = end - start;
    if (n <= 0) return;
    this.reserve(n);
    memory.copy(
      changetype<usize>(this.buffer) + (<usize>this.units << 1),
      changetype<usize>(text) + (<usize>start << 1),
      <usize>n << 1,
    );
    this.units += n;
  }

  /**
   * Appends one UTF-16 code unit.
   * @example `b.appendCode(0x22) // '"'`
   */
  appendCode(unit: i32): void {
    this.reserve(1);
    store<u16>(changetype<usize>(this.buffer) + (<usize>this.units << 1), <u16>unit);
    this.units += 1;
  }

  /**
   * The built string.
   * @example `b.toString()`
   */
  toString(): string {
    return String.UTF16.decodeUnsafe(changetype<usize>(this.buffer), <usize>this.units << 1);
  }

  private reserve(extra: i32): void {
    const needed = (this.units + extra) << 1;
    const capacity = this.buffer.byteLength;
    if (needed <= capacity) return;
    let grown = capacity << 1;
    while (grown < needed) grown <<= 1;
    const next = new ArrayBuffer(grown);
    memory.copy(changetype<usize>(next), changetype<usize>(this.buffer), <usize>(this.units << 1));
    this.buffer = next;
  }
}
