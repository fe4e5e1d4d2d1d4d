/**
 * Rejections: everything the rewriter cannot read or does not support is an InstrumentError
 * (code E_INSTRUMENT, with the byte offset), never another exception. Hand-built modules are
 * passed with `validate: false` so the rewriter's own reader is what rejects them.
 */
import { describe, expect, it } from 'vitest';
import { InstrumentError, instrument, type InstrumentOptions } from '../../src/instrument/index.ts';
import { ByteReader } from '../../src/instrument/reader.ts';
import { ByteWriter } from '../../src/instrument/writer.ts';
import { compileWat } from './harness.ts';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Builds a module from [section id, payload] pairs (payloads short enough for 1-byte sizes). */
function mod(...sections: [number, number[]][]): Uint8Array {
  const out = [...HEADER];
  for (const [id, payload] of sections) out.push(id, payload.length, ...payload);
  return new Uint8Array(out);
}

/** A module with one `(func)` whose body is `code` (without the final end). */
function withBody(code: number[]): Uint8Array {
  const body = [0x00, ...code, 0x0b];
  return mod([1, [1, 0x60, 0, 0]], [3, [1, 0]], [10, [1, body.length, ...body]]);
}

function rejects(bytes: Uint8Array, pattern: RegExp, options: InstrumentOptions = { validate: false }): InstrumentError {
  let error: unknown;
  try {
    instrument(bytes, options);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InstrumentError);
  const e = error as InstrumentError;
  expect(e.code).toBe('E_INSTRUMENT');
  expect(e.message).toMatch(pattern);
  return e;
}

describe('rejections', () => {
  it('accepts the hand-built baseline', () => {
    const { bytes } = instrument(withBody([0x41, 0x01, 0x1a]), { validate: false });
    expect(WebAssembly.validate(bytes)).toBe(true);
  });

  it('rejects what is not a core module', () => {
    rejects(new Uint8Array([1, 2, 3]), /too short/);
    rejects(new Uint8Array([0, 0x61, 0x73, 0x6e, 1, 0, 0, 0]), /bad magic/);
    rejects(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 0x01, 0]), /components/);
    rejects(new ArrayBuffer(8) as unknown as Uint8Array, /Uint8Array/);
  });

  it('rejects truncated sections and bad LEB128 with the offset', () => {
    const e = rejects(new Uint8Array([...HEADER, 1, 10, 1]), /truncated/);
    expect(e.offset).toBe(8);
    rejects(new Uint8Array([...HEADER, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), /LEB128/);
    rejects(new Uint8Array([...HEADER, 1, 0x80]), /LEB128/);
    rejects(withBody([0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), /LEB128/);
    rejects(withBody([0x41]), /truncated|end of data|without end/);
  });

  it('rejects unknown opcodes and unsupported proposals', () => {
    expect(rejects(withBody([0xc5]), /unsupported opcode 0xc5/).offset).toBe(HEADER.length + 15);
    rejects(withBody([0x06, 0x40, 0x0b]), /exception handling/);
    rejects(withBody([0xfe, 0x03, 0x00]), /threads/);
    rejects(withBody([0xfb, 0x00]), /GC/);
    rejects(withBody([0x14, 0x00]), /typed function references/);
    rejects(withBody([0xfd, 0x80, 0x02]), /SIMD/); // relaxed SIMD 0x100
    rejects(withBody([0xfd, 0x9a, 0x01]), /SIMD/); // unassigned 154
    rejects(withBody([0xfc, 0x12]), /0xfc 18/);
    rejects(mod([5, [1, 0x04, 0x01]]), /memory64/);
    rejects(mod([1, [1, 0x5f, 0x00]]), /GC/);
    rejects(mod([13, [0]]), /tag section/);
    rejects(mod([5, [2, 0x00, 0x01, 0x00, 0x01]]), /multiple memories/);
    rejects(mod([1, [1, 0x60, 1, 0x64, 0x70, 0]]), /value type/);
  });

  it('rejects structural nonsense', () => {
    rejects(mod([1, [1, 0x60, 0, 0]], [3, [1, 0]]), /without code section/);
    rejects(mod([3, [1, 0]]), /type index/);
    rejects(mod([7, [0]], [1, [0]]), /out of order/);
    rejects(mod([1, [0]], [1, [0]]), /duplicated|out of order/);
    rejects(withBody([0x0b, 0x01]), /continues after/);
    rejects(withBody([0x05]), /else outside if/);
  });

  it('rejects invalid modules when WebAssembly.validate is available', () => {
    rejects(withBody([0x6a]), /not a valid WebAssembly module/, {}); // i32.add on an empty stack
  });

  it('rejects modules that are already instrumented', async () => {
    const { bytes } = instrument(await compileWat('(module (func (export "f")))'));
    rejects(bytes, /already instrumented/, {});
  });

  it('rejects a limit import of the wrong type', async () => {
    const bytes = await compileWat('(module (import "reed" "limit" (func (param i64))) (func (export "f")))');
    rejects(bytes, /type other than/, { limitImport: { module: 'reed', name: 'limit' } });
  });

  it('reuses a limit import of the right type', async () => {
    const wat = '(module (import "reed" "limit" (func $l (param i32))) (func (export "f") (loop $x br $x)))';
    const { bytes } = instrument(await compileWat(wat), { limitImport: { module: 'reed', name: 'limit' }, defaultFuel: 50n });
    const seen: number[] = [];
    const { instance } = await WebAssembly.instantiate(bytes, { reed: { limit: (r: number) => void seen.push(r) } });
    expect(() => (instance.exports.f as () => void)()).toThrow(WebAssembly.RuntimeError);
    expect(seen).toEqual([1]);
    expect(WebAssembly.Module.imports(new WebAssembly.Module(bytes))).toHaveLength(1);
  });

  it('rejects bad options', async () => {
    const bytes = await compileWat('(module)');
    rejects(bytes, /defaultFuel/, { defaultFuel: -1n });
    rejects(bytes, /defaultFuel/, { defaultFuel: 1n << 63n });
    rejects(bytes, /maxCallDepth/, { maxCallDepth: 1.5 });
    rejects(bytes, /memoryMaxPages/, { memoryMaxPages: -1 });
  });

  it('instruments an empty module', async () => {
    const { bytes } = instrument(await compileWat('(module)'), { maxCallDepth: 3, memoryMaxPages: 1, limitImport: { module: 'a', name: 'b' } });
    expect(WebAssembly.validate(bytes)).toBe(true);
  });
});

describe('LEB128', () => {
  it('round-trips u32 and s32 edge values', () => {
    for (const v of [0, 1, 63, 64, 127, 128, 624485, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1]) {
      const w = new ByteWriter();
      w.u32(v);
      expect(new ByteReader(w.finish()).u32()).toBe(v);
    }
    for (const v of [0, 1, -1, 63, -64, 64, -65, 2 ** 31 - 1, -(2 ** 31)]) {
      const w = new ByteWriter();
      w.s32(v);
      expect(new ByteReader(w.finish()).signed(32)).toBe(v);
    }
  });

  it('accepts padded encodings and rejects overlong or out-of-range ones', () => {
    expect(new ByteReader(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x00])).u32()).toBe(0);
    expect(new ByteReader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f])).u32()).toBe(2 ** 32 - 1);
    expect(() => new ByteReader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x1f])).u32()).toThrow(InstrumentError);
    expect(new ByteReader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x7f])).signed(32)).toBe(-1);
    expect(() => new ByteReader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x4f])).signed(32)).toThrow(InstrumentError);
    expect(() => new ByteReader(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x00])).signed(33)).toThrow(InstrumentError);
  });

  it('patches padded sizes', () => {
    const w = new ByteWriter(16);
    const at = w.reserveSize();
    for (let i = 0; i < 300; i++) w.u8(i & 0xff);
    w.patchSize(at);
    expect(new ByteReader(w.finish()).u32()).toBe(300);
  });
});
