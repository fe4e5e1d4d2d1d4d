/**
 * Call depth and memory cap, against hostile fixtures: unbounded and mutual recursion, a
 * memory.grow bomb, a 65,536-page minimum, imported memory; and traps that are not limits.
 */
import { describe, expect, it } from 'vitest';
import { INSTRUMENT_EXPORTS, InstrumentError, LimitReason, instrument } from '../../src/instrument/index.ts';
import { compileWat, load, trap } from './harness.ts';

const RECURSION = `(module
  (func $down (export "down") (param i32) (result i32)
    local.get 0 i32.eqz
    if (result i32) i32.const 0
    else local.get 0 i32.const 1 i32.sub call $down i32.const 1 i32.add end)
  (func $forever (export "forever") call $forever)
  (func $even (export "even") (param i32) (result i32)
    local.get 0 i32.eqz if (result i32) i32.const 1 else local.get 0 i32.const 1 i32.sub call $odd end)
  (func $odd (param i32) (result i32)
    local.get 0 i32.eqz if (result i32) i32.const 0 else local.get 0 i32.const 1 i32.sub call $even end)
  ;; every way out of a function: return, br to the function label, br_if, br_table, fall-through
  (func $exits (param i32) (result i32)
    (block $b (result i32)
      local.get 0 i32.const 0 i32.eq if i32.const 10 return end
      local.get 0 i32.const 1 i32.eq if i32.const 11 br 2 end
      i32.const 12 local.get 0 i32.const 2 i32.eq br_if 1 drop
      i32.const 13 local.get 0 i32.const 3 i32.sub br_table 1 0)
    i32.const 100 i32.add)
  (func (export "manyExits") (param $n i32) (result i32) (local $sum i32)
    (loop $l
      local.get $sum local.get $n i32.const 5 i32.rem_u call $exits i32.add local.set $sum
      local.get $n i32.const 1 i32.sub local.tee $n br_if $l)
    local.get $sum)
  (func $tail (export "tail") (param i32) (result i32)
    local.get 0 i32.eqz if (result i32) i32.const 7 else local.get 0 i32.const 1 i32.sub return_call $tail end)
)`;

describe('call depth', () => {
  it('allows exactly maxCallDepth frames', async () => {
    const m = await load(RECURSION, { maxCallDepth: 10 });
    expect(m.call('down', 9)).toBe(9); // 10 frames
    expect((m.exports[INSTRUMENT_EXPORTS.depth] as WebAssembly.Global).value).toBe(0);
    expect(trap(() => m.call('down', 10))).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(m.reason()).toBe(LimitReason.STACK);
    expect(m.call('down', 5)).toBe(5); // resets per call
    expect(m.reason()).toBe(LimitReason.NONE);
  });

  it('turns unbounded and mutual recursion into a STACK trap', async () => {
    const m = await load(RECURSION, { maxCallDepth: 1000, defaultFuel: 10n ** 12n, limitImport: { module: 'reed', name: 'limit' } });
    expect(trap(() => m.call('forever'))).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(m.reason()).toBe(LimitReason.STACK);
    expect(m.call('even', 998)).toBe(1);
    expect(trap(() => m.call('even', 5000))).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(m.reason()).toBe(LimitReason.STACK);
    expect(m.limitCalls).toEqual([LimitReason.STACK, LimitReason.STACK]);
  });

  it('unwinds the count on every exit path', async () => {
    const m = await load(RECURSION, { maxCallDepth: 3 });
    const plain = await WebAssembly.instantiate(await compileWat(RECURSION));
    const expected = (plain.instance.exports.manyExits as (n: number) => number)(1000);
    expect(m.call('manyExits', 1000)).toBe(expected);
    expect((m.exports[INSTRUMENT_EXPORTS.depth] as WebAssembly.Global).value).toBe(0);
  });

  it('does not count tail calls as nesting', async () => {
    const m = await load(RECURSION, { maxCallDepth: 5, defaultFuel: 10n ** 12n });
    expect(m.call('tail', 100_000)).toBe(7);
  });
});

const MEMORY = `(module
  (memory (export "memory") 1)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "size") (result i32) memory.size)
  (func (export "bomb") (loop $l i32.const 1 memory.grow i32.const -1 i32.ne br_if $l) unreachable)
)`;

describe('memory cap', () => {
  it('adds a maximum and fails growth beyond it with reason MEMORY', async () => {
    const m = await load(MEMORY, { memoryMaxPages: 4 });
    expect(m.call('grow', 3)).toBe(1);
    expect(m.reason()).toBe(LimitReason.NONE);
    expect(m.call('grow', 1)).toBe(-1);
    expect(m.reason()).toBe(LimitReason.MEMORY);
    expect(m.call('size')).toBe(4);
  });

  it('stops a memory.grow bomb at the cap', async () => {
    const m = await load(MEMORY, { memoryMaxPages: 64, defaultFuel: 10n ** 9n, limitImport: { module: 'reed', name: 'limit' } });
    expect(trap(() => m.call('bomb'))).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(m.reason()).toBe(LimitReason.MEMORY);
    expect(m.call('size')).toBe(64);
    expect(m.limitCalls).toEqual([LimitReason.MEMORY]);
  });

  it('lowers a larger maximum and keeps a smaller one', async () => {
    const lower = await load('(module (memory 1 1000) (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))', { memoryMaxPages: 8 });
    expect(lower.call('grow', 8)).toBe(-1);
    expect(lower.call('grow', 7)).toBe(1);
    const keep = await load('(module (memory 1 2) (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))', { memoryMaxPages: 8 });
    expect(keep.call('grow', 2)).toBe(-1);
    expect(keep.call('grow', 1)).toBe(1);
  });

  it('rejects a module whose minimum exceeds the cap', async () => {
    const bytes = await compileWat('(module (memory 65536))');
    let error: unknown;
    try {
      instrument(bytes, { memoryMaxPages: 256 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InstrumentError);
    expect((error as InstrumentError).code).toBe('E_INSTRUMENT');
    expect((error as InstrumentError).reason).toBe(LimitReason.MEMORY);
    expect((error as InstrumentError).offset).toBeGreaterThan(8);
  });

  it('caps an imported memory: the host must supply one within the cap', async () => {
    const wat = '(module (import "env" "memory" (memory 1)) (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))';
    const { bytes } = instrument(await compileWat(wat), { memoryMaxPages: 4 });
    await expect(WebAssembly.instantiate(bytes, { env: { memory: new WebAssembly.Memory({ initial: 1 }) } })).rejects.toThrow(WebAssembly.LinkError);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
    const grow = instance.exports.grow as (n: number) => number;
    expect(grow(3)).toBe(1);
    expect(grow(1)).toBe(-1);
    expect((instance.exports[INSTRUMENT_EXPORTS.reason] as WebAssembly.Global).value).toBe(LimitReason.MEMORY);
  });
});

describe('traps that are not limits', () => {
  it('leaves the reason at NONE for unreachable and division by zero', async () => {
    const m = await load(
      `(module (func (export "boom") unreachable)
        (func (export "div") (param i32) (result i32) i32.const 1 local.get 0 i32.div_u))`,
      { maxCallDepth: 100, memoryMaxPages: 1 },
    );
    expect(trap(() => m.call('boom'))).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(m.reason()).toBe(LimitReason.NONE);
    expect(m.call('div', 1)).toBe(1);
    expect(trap(() => m.call('div', 0))).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(m.reason()).toBe(LimitReason.NONE);
  });
});
