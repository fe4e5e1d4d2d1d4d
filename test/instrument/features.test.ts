/**
 * Pass-through of the WebAssembly 2.0 instruction set and common proposals: every fixture runs
 * plain and instrumented (with every rewrite turned on, including the index-shifting limit
 * import) and must give the same results.
 */
import initWabt from 'wabt';
import { describe, expect, it } from 'vitest';
import { instrument, type InstrumentOptions } from '../../src/instrument/index.ts';
import { compileWat } from './harness.ts';

const ALL_ON: InstrumentOptions = { maxCallDepth: 200, memoryMaxPages: 16, limitImport: { module: 'reed', name: 'limit' }, defaultFuel: 10n ** 9n };

async function both(wat: string, imports: WebAssembly.Imports = {}): Promise<[Record<string, Function>, Record<string, Function>]> {
  const bytes = await compileWat(wat);
  const out = instrument(bytes, ALL_ON).bytes;
  expect(WebAssembly.validate(out)).toBe(true);
  const plain = await WebAssembly.instantiate(bytes, imports);
  const inst = await WebAssembly.instantiate(out, { ...imports, reed: { limit: () => {} } });
  return [plain.instance.exports as Record<string, Function>, inst.instance.exports as Record<string, Function>];
}

/** Calls each export on fresh plain and instrumented instances; results, or trap messages, must match. */
async function same(wat: string, calls: [string, ...unknown[]][], imports: WebAssembly.Imports = {}): Promise<void> {
  let values = 0;
  for (const [name, ...args] of calls) {
    const [plain, inst] = await both(wat, imports);
    const expected = outcome(() => plain[name]!(...args));
    expect(
      outcome(() => inst[name]!(...args)),
      `${name}(${args.join(', ')})`,
    ).toEqual(expected);
    if ('value' in expected) values++;
  }
  expect(values, 'every call trapped: the fixture is broken').toBeGreaterThan(0);
}

function outcome(fn: () => unknown): { value: unknown } | { trap: string } {
  try {
    return { value: fn() };
  } catch (error) {
    return { trap: String(error) };
  }
}

describe('pass-through', () => {
  it('multi-value functions, blocks with params, loops with params', async () => {
    await same(
      `(module
        (type $pair (func (param i32 i32) (result i32 i32)))
        (func $swap (type $pair) local.get 1 local.get 0)
        (func (export "f") (param i32 i32) (result i32 i32) local.get 0 local.get 1 call $swap)
        (func (export "g") (param i32) (result i32)
          local.get 0 i32.const 3
          (block (param i32 i32) (result i32) i32.mul)
          i32.const 0
          (loop $l (param i32 i32) (result i32)
            i32.const 1 i32.add local.tee 0
            i32.const 10 i32.lt_u
            if (param i32) (result i32 i32) i32.const 2 i32.mul local.get 0 br $l else local.get 0 end
            i32.add))
        (func (export "h") (param i32) (result i32 i64 f64)
          local.get 0 i64.const 5 f64.const 2.5
          local.get 0 i32.eqz br_if 0
          drop drop drop i32.const 1 i64.const 2 f64.const 3))`,
      [
        ['f', 1, 2],
        ['g', 2],
        ['g', 9],
        ['h', 0],
        ['h', 4],
      ],
    );
  });

  it('br_table with many targets and results', async () => {
    await same(
      `(module (func (export "t") (param i32) (result i32)
        (block $d (result i32) (block $c (result i32) (block $b (result i32) (block $a (result i32)
          i32.const 100 local.get 0 br_table $a $b $c $b $a $d)
          i32.const 1 i32.add) i32.const 2 i32.add) i32.const 3 i32.add) i32.const 4 i32.add))`,
      [
        ['t', 0],
        ['t', 1],
        ['t', 2],
        ['t', 3],
        ['t', 4],
        ['t', 5],
        ['t', 99],
      ],
    );
  });

  it('tail calls (return_call, return_call_indirect)', async () => {
    await same(
      `(module
        (type $t (func (param i32 i32) (result i32)))
        (table 2 funcref) (elem (i32.const 0) $sum $sumi)
        (func $sum (type $t) local.get 0 i32.eqz if (result i32) local.get 1
          else local.get 0 i32.const 1 i32.sub local.get 1 local.get 0 i32.add return_call $sum end)
        (func $sumi (type $t) local.get 0 i32.eqz if (result i32) local.get 1
          else local.get 0 i32.const 1 i32.sub local.get 1 local.get 0 i32.add i32.const 1 return_call_indirect (type $t) end)
        (func (export "a") (param i32) (result i32) local.get 0 i32.const 0 call $sum)
        (func (export "b") (param i32) (result i32) local.get 0 i32.const 0 i32.const 1 call_indirect (type $t)))`,
      [
        ['a', 50_000],
        ['b', 50_000],
      ],
    );
  });

  it('SIMD', async () => {
    await same(
      `(module (memory 1) (data (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c\\0d\\0e\\0f\\10")
        (func (export "s") (param i32) (result i32)
          (local v128)
          i32.const 0 v128.load
          v128.const i32x4 1 2 3 4 i32x4.add
          local.get 0 i32x4.splat i32x4.mul local.tee 1
          local.get 1 i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0
          i32x4.extract_lane 2
          local.get 1 i8x16.extract_lane_u 3 i32.add
          i32.const 0 local.get 1 v128.store offset=32 align=16
          i32.const 32 v128.load32_zero i32x4.extract_lane 0 i32.add
          i32.const 0 local.get 1 v128.load8_lane 5 i8x16.extract_lane_s 5 i32.add
          local.get 1 f32x4.convert_i32x4_s f32x4.extract_lane 1 i32.trunc_sat_f32_s i32.add
          local.get 1 v128.any_true i32.add))`,
      [
        ['s', 3],
        ['s', -7],
      ],
    );
  });

  it('bulk memory and passive data', async () => {
    await same(
      `(module (memory 1) (data $d "hello world")
        (func (export "b") (param i32) (result i32)
          i32.const 100 i32.const 0 i32.const 11 memory.init $d
          i32.const 200 i32.const 100 local.get 0 memory.copy
          i32.const 300 i32.const 42 local.get 0 memory.fill
          data.drop $d
          i32.const 200 i32.load i32.const 300 i32.load8_u i32.add
          i32.const 204 i32.load16_s i32.add))`,
      [
        ['b', 0],
        ['b', 5],
        ['b', 11],
      ],
    );
  });

  it('reference types, tables, element segments, select t', async () => {
    await same(
      `(module
        (type $v (func (result i32)))
        (table $t 4 funcref) (table $e 2 externref)
        (func $one (result i32) i32.const 1) (func $two (result i32) i32.const 2) (func $three (result i32) i32.const 3)
        (elem (table $t) (i32.const 0) func $one $two)
        (elem $p func $three $one)
        (elem declare func $three)
        (global $g (mut funcref) (ref.func $two))
        (func (export "r") (param i32 externref) (result i32)
          i32.const 2 ref.func $three table.set $t
          i32.const 3 global.get $g table.set $t
          i32.const 0 local.get 1 table.set $e
          i32.const 0 table.get $e ref.is_null
          i32.const 1 table.get $e ref.is_null i32.add
          local.get 0 call_indirect $t (type $v) i32.add
          ref.null func i32.const 1 table.grow $t i32.add
          table.size $t i32.add
          i32.const 3 i32.const 0 i32.const 2 table.init $t $p
          i32.const 4 call_indirect $t (type $v) i32.add
          i32.const 0 i32.const 3 i32.const 1 table.copy $t $t
          i32.const 0 call_indirect $t (type $v) i32.add
          elem.drop $p
          i32.const 1 ref.null func i32.const 1 table.fill $t
          i32.const 1 table.get $t ref.is_null i32.add
          i32.const 7 i32.const 8 local.get 0 select (result i32) i32.add))`,
      [
        ['r', 0, null],
        ['r', 1, { x: 1 }],
        ['r', 3, 'str'],
      ],
    );
  });

  it('sign extension, saturating truncation, i64 and floats', async () => {
    await same(
      `(module (func (export "n") (param i32 f64) (result i64)
        local.get 0 i32.extend8_s i64.extend_i32_s
        local.get 1 i64.trunc_sat_f64_s i64.add
        local.get 1 f32.demote_f64 i32.trunc_sat_f32_u i64.extend_i32_u i64.add
        i64.const -1 i64.extend16_s i64.mul))`,
      [
        ['n', 200, 1e30],
        ['n', 127, -5.5],
        ['n', 0, Number.NaN],
      ],
    );
  });

  it('imports, start, exported globals and tables keep working when indices shift', async () => {
    const log: number[] = [];
    const wat = `(module
      (import "env" "log" (func $log (param i32)))
      (import "env" "base" (global $base i32))
      (global $counter (export "counter") (mut i32) (global.get $base))
      (table (export "table") 2 funcref) (elem (i32.const 0) $inc $get)
      (func $inc (global.set $counter (i32.add (global.get $counter) (i32.const 1))) (call $log (global.get $counter)))
      (func $get (export "get") (result i32) global.get $counter)
      (func $init call $inc)
      (start $init)
      (func (export "run") (param i32) (result i32) (local i32)
        (loop $l call $inc local.get 0 i32.const 1 i32.sub local.tee 0 br_if $l)
        i32.const 1 call_indirect (result i32)))`;
    const imports = { env: { log: (x: number) => void log.push(x), base: 10 } };
    const [plain, inst] = await both(wat, imports);
    expect(inst.run!(3)).toBe(plain.run!(3));
    expect(log).toEqual([11, 11, 12, 13, 14, 12, 13, 14]);
  });

  it('keeps debug names right when an import shifts function indices', async () => {
    const wabt = await initWabt();
    const parsed = wabt.parseWat(
      'named.wat',
      `(module
      (import "env" "f" (func $imported))
      (func $helper (param i32) (result i32) local.get 0 i32.eqz if unreachable end local.get 0)
      (func $entry (export "entry") (param i32) (result i32) local.get 0 call $helper))`,
    );
    parsed.resolveNames();
    parsed.validate();
    const bytes = new Uint8Array(parsed.toBinary({ write_debug_names: true }).buffer);
    parsed.destroy();
    const out = instrument(bytes, ALL_ON).bytes;
    expect(WebAssembly.validate(out)).toBe(true);
    const { instance } = await WebAssembly.instantiate(out, { env: { f: () => {} }, reed: { limit: () => {} } });
    let stack = '';
    try {
      (instance.exports.entry as (x: number) => number)(0);
    } catch (error) {
      stack = (error as Error).stack ?? '';
    }
    expect(stack).toMatch(/\$?helper/);
    const firstFrame = stack.split('\n').find((line) => line.includes('wasm'));
    expect(firstFrame).toMatch(/helper/);
  });

  it('copies unknown custom sections through unchanged', async () => {
    const bytes = await compileWat('(module (func (export "f")))');
    const custom = [0x00, 0x08, 0x03, 0x61, 0x62, 0x63, 0x01, 0x02, 0x03, 0x04];
    const withCustom = new Uint8Array([...bytes, ...custom]);
    const out = instrument(withCustom, ALL_ON).bytes;
    const sections = WebAssembly.Module.customSections(new WebAssembly.Module(out), 'abc');
    expect([...new Uint8Array(sections[0]!)]).toEqual([1, 2, 3, 4]);
  });
});
