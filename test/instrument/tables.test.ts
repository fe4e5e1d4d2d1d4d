/**
 * Table caps (maxTableElements), the grow import, and the prices of table and bulk operations,
 * against hostile fixtures: huge declared minimums, table.grow bombs, many tables, big element
 * segments; and proposals that allocate outside every cap (GC arrays, table64) refused.
 */
import { describe, expect, it } from 'vitest';
import { InstrumentError, LimitReason, instrument, readModuleLimits } from '../../src/instrument/index.ts';
import { BULK_OP_BASE_FUEL, GROW_BASE_FUEL, TABLE_ELEMENT_FUEL_SHIFT, TABLE_GROW_FUEL_SHIFT } from '../../src/instrument/constants.ts';
import { compileWat, load, trap } from './harness.ts';

const FUNCREF = 0x70;
const EXTERNREF = 0x6f;

const TABLES = `(module
  (table $f 2 funcref)
  (table $e 1 externref)
  (func $target)
  (elem declare func $target)
  (func (export "growF") (param i32) (result i32) (table.grow $f (ref.func $target) (local.get 0)))
  (func (export "growE") (param i32) (result i32) (table.grow $e (ref.null extern) (local.get 0)))
  (func (export "sizeF") (result i32) (table.size $f))
  (func (export "sizeE") (result i32) (table.size $e))
  (func (export "fillF") (param i32) (table.fill $f (i32.const 0) (ref.func $target) (local.get 0)))
  (func (export "fillE") (param i32) (table.fill $e (i32.const 0) (ref.null extern) (local.get 0)))
  (func (export "copyFE") (param i32) (table.copy $f $f (i32.const 0) (i32.const 0) (local.get 0)))
)`;

function instrumentError(run: () => unknown): InstrumentError {
  try {
    run();
  } catch (err) {
    if (err instanceof InstrumentError) return err;
    throw err;
  }
  throw new Error('expected an InstrumentError');
}

describe('table cap', () => {
  it('adds a maximum to every table and fails table.grow past it with -1 and reason TABLE', async () => {
    const m = await load(TABLES, { maxTableElements: 10, defaultFuel: 10n ** 9n, limitImport: { module: 'reed', name: 'limit' } });
    expect(m.call('growF', 5)).toBe(2);
    expect(m.call('sizeF')).toBe(7);
    // 7 + 1 (the externref table) + 3 > 10: refused together, although $f alone could take it.
    expect(m.call('growF', 3)).toBe(-1);
    expect(m.reason()).toBe(LimitReason.TABLE);
    expect(m.call('growE', 2)).toBe(1);
    expect(m.reason()).toBe(LimitReason.NONE);
    expect(m.call('growE', 1)).toBe(-1);
    expect(m.call('growF', 7_000_000)).toBe(-1);
    expect((m.call('sizeF') as number) + (m.call('sizeE') as number)).toBe(10);
    expect(m.limitCalls).toEqual([LimitReason.TABLE, LimitReason.TABLE, LimitReason.TABLE]);
  });

  it('a table.grow bomb (7,000,000 externref per call) stays at the cap across many calls', async () => {
    const m = await load(TABLES, { maxTableElements: 100_000, defaultFuel: 10n ** 12n });
    for (let i = 0; i < 50; i++) expect(m.call('growE', 7_000_000)).toBe(-1);
    expect(m.reason()).toBe(LimitReason.TABLE);
    expect(m.call('sizeE')).toBe(1);
  });

  it('refuses a module whose table minimums exceed the cap, alone or together, before any engine sees it', async () => {
    // 64 tables of 10,000,000 externref: instantiating this uninstrumented kills Node (heap OOM).
    const huge = await compileWat(`(module ${Array.from({ length: 64 }, () => '(table 10000000 externref)').join(' ')})`);
    const one = instrumentError(() => instrument(huge, { maxTableElements: 100_000 }));
    expect(one.reason).toBe(LimitReason.TABLE);
    expect(one.message).toMatch(/table 0's minimum of 10000000 elements exceeds the cap of 100000 table elements \(maxTableElements\)/);
    const many = await compileWat(`(module ${Array.from({ length: 64 }, () => '(table 2000 externref)').join(' ')})`);
    expect(instrumentError(() => instrument(many, { maxTableElements: 100_000 })).message).toMatch(/minimums of 128000 elements together/);
    expect(() => instrument(many, { maxTableElements: 128_000 })).not.toThrow();
  });

  it('caps imported tables too, and lowers a larger maximum', async () => {
    const imported = await compileWat('(module (import "env" "t" (table 1 externref)) (table 3 100000 funcref))');
    const { bytes } = instrument(imported, { maxTableElements: 50 });
    const module = await WebAssembly.compile(bytes);
    // The host must now supply a table whose maximum is within the cap.
    const big = new WebAssembly.Table({ element: 'externref', initial: 1 });
    await expect(WebAssembly.instantiate(module, { env: { t: big } })).rejects.toThrow(WebAssembly.LinkError);
    const small = new WebAssembly.Table({ element: 'externref', initial: 1, maximum: 50 });
    await expect(WebAssembly.instantiate(module, { env: { t: small } })).resolves.toBeInstanceOf(WebAssembly.Instance);
    expect(readModuleLimits(module)).toEqual({ memoryPages: 0, memoryMaxPages: 0, tableElements: [1, 3], maxTableElements: 50 });
  });

  it('refuses element segments holding more elements than the cap (passive ones stay allocated)', async () => {
    const segments = await compileWat(`(module (func $f) (elem funcref ${'(ref.func $f) '.repeat(300)}) (elem func ${'$f '.repeat(300)}))`);
    const err = instrumentError(() => instrument(segments, { maxTableElements: 500 }));
    expect(err.reason).toBe(LimitReason.TABLE);
    expect(err.message).toMatch(/element segments' 600 elements/);
    expect(() => instrument(segments, { maxTableElements: 600 })).not.toThrow();
  });

  it('records the initial sizes and caps in a reed.limits section', async () => {
    const { bytes } = instrument(await compileWat('(module (memory 3) (table 7 funcref))'), { memoryMaxPages: 16, maxTableElements: 1000 });
    expect(readModuleLimits(await WebAssembly.compile(bytes))).toEqual({ memoryPages: 3, memoryMaxPages: 16, tableElements: [7], maxTableElements: 1000 });
  });
});

describe('grow import', () => {
  const MEMORY = `(module (memory 1)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (table $e 0 externref)
    (func (export "growE") (param i32) (result i32) (table.grow $e (ref.null extern) (local.get 0))))`;

  async function withHost(answer: (kind: number, index: number, size: number) => boolean, options = {}) {
    const asked: Array<[number, number, number]> = [];
    const grow = (kind: number, index: number, size: number): number => {
      asked.push([kind, index, size >>> 0]);
      return answer(kind, index, size >>> 0) ? 1 : 0;
    };
    const m = await load(MEMORY, { memoryMaxPages: 8, maxTableElements: 100, defaultFuel: 10n ** 9n, growImport: { module: 'host', name: 'grow' }, ...options }, { host: { grow } });
    return { m, asked };
  }

  it('asks the host before every growth with the new size; a refusal is a failed grow', async () => {
    const { m, asked } = await withHost((kind, _index, size) => (kind === 0 ? size <= 4 : size <= 10));
    expect(m.call('grow', 3)).toBe(1);
    expect(m.call('grow', 1)).toBe(-1);
    expect(m.reason()).toBe(LimitReason.MEMORY);
    expect(m.fuelUsed()).toBe(2n + BigInt(GROW_BASE_FUEL)); // asking the host is paid for, granted or not
    expect(m.call('growE', 10)).toBe(0);
    expect(m.call('growE', 1)).toBe(-1);
    expect(m.reason()).toBe(LimitReason.TABLE);
    expect(asked).toEqual([
      [0, 0, 4],
      [0, 0, 5],
      [1, 0, 10],
      [1, 0, 11],
    ]);
  });

  it('does not ask for growth past the cap, and charges fuel only for growth that happened', async () => {
    const { m, asked } = await withHost(() => true);
    expect(m.call('grow', 8)).toBe(-1); // 1 + 8 > 8 pages: refused by the cap itself
    expect(m.call('growE', 101)).toBe(-1);
    expect(asked).toEqual([]);
    expect(m.call('growE', 4)).toBe(0);
    expect(m.fuelUsed()).toBe(3n + (4n << BigInt(TABLE_GROW_FUEL_SHIFT[EXTERNREF]!)) + BigInt(GROW_BASE_FUEL));
  });

  it('reuses a module import of the right type and rejects one of another type', async () => {
    const reuse = await compileWat('(module (import "host" "grow" (func (param i32 i32 i32) (result i32))) (memory 1) (func (export "g") (result i32) (memory.grow (i32.const 1))))');
    const { bytes } = instrument(reuse, { growImport: { module: 'host', name: 'grow' } });
    expect(WebAssembly.Module.imports(await WebAssembly.compile(bytes))).toHaveLength(1);
    const wrong = await compileWat('(module (import "host" "grow" (func (param i32))) (memory 1))');
    expect(() => instrument(wrong, { growImport: { module: 'host', name: 'grow' } })).toThrow(/with a type other than/);
  });
});

describe('table and bulk prices', () => {
  it('charges table.fill/copy per element by element type, plus the op base', async () => {
    const m = await load(TABLES, { defaultFuel: 10n ** 9n });
    m.call('fillF', 2);
    expect(m.fuelUsed()).toBe(4n + BigInt(BULK_OP_BASE_FUEL) + (2n << BigInt(TABLE_ELEMENT_FUEL_SHIFT[FUNCREF]!)));
    m.call('fillE', 1);
    expect(m.fuelUsed()).toBe(4n + BigInt(BULK_OP_BASE_FUEL) + (1n << BigInt(TABLE_ELEMENT_FUEL_SHIFT[EXTERNREF]!)));
    m.call('copyFE', 2);
    expect(m.fuelUsed()).toBe(4n + BigInt(BULK_OP_BASE_FUEL) + (2n << BigInt(TABLE_ELEMENT_FUEL_SHIFT[FUNCREF]!)));
  });

  it('a table.fill loop over 5,000,000 entries runs out of a 1,000,000 budget long before the end', async () => {
    const m = await load(
      `(module (table $t 1000 funcref) (func $f) (elem declare func $f)
        (func (export "storm") (local $i i32)
          (loop $l (table.fill $t (i32.const 0) (ref.func $f) (i32.const 1000))
            (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1000))) (i32.const 5000000))))))`,
      { defaultFuel: 1_000_000n },
    );
    expect(trap(() => m.call('storm'))).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(m.reason()).toBe(LimitReason.FUEL);
  });
});

describe('allocations outside every cap are refused', () => {
  it('refuses GC arrays (array.new_default with a huge length) and table64', () => {
    // (type $a (array i8)) (func (drop (array.new_default $a (i32.const 1000000000)))), by hand: wabt lacks GC.
    // The bytes grouped by section, as the formatter would not keep them:
    // prettier-ignore
    const gc = new Uint8Array([
      0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
      1, 7, 2, 0x5e, 0x78, 0x01, 0x60, 0, 0, // types: array (mut i8), func
      3, 2, 1, 1,
      10, 14, 1, 12, 0, 0x41, 0x80, 0x94, 0xeb, 0xdc, 0x03, 0xfb, 0x07, 0x00, 0x1a, 0x0b,
    ]);
    expect(WebAssembly.validate(gc)).toBe(false); // Node 20's V8: GC not enabled, so never runnable here
    expect(instrumentError(() => instrument(gc, { validate: false })).message).toMatch(/GC/);
    const table64 = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 4, 4, 1, 0x70, 0x04, 0x01]);
    expect(instrumentError(() => instrument(table64, { validate: false })).message).toMatch(/table64/);
  });
});
