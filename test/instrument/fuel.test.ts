/**
 * Fuel metering: exact costs under the documented model (1 per instruction, 0 for block / loop /
 * else / end; bulk ops by size; grown pages at 1024 each), exhaustion, determinism.
 */
import { describe, expect, it } from 'vitest';
import { LimitReason, instrument } from '../../src/instrument/index.ts';
import { BULK_OP_BASE_FUEL, FUEL_PER_PAGE, GROW_BASE_FUEL, MEMORY_BYTES_SHIFT } from '../../src/instrument/constants.ts';
import { compileWat, load, trap } from './harness.ts';

const KERNELS = `(module
  (memory 1)
  (func (export "three") (result i32) i32.const 1 i32.const 2 i32.add)
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l
      local.get $i i32.const 1 i32.add local.tee $i
      local.get $n i32.lt_u br_if $l)
    local.get $i)
  (func (export "abs") (param i32) (result i32)
    local.get 0 i32.const 0 i32.lt_s
    if (result i32) i32.const 0 local.get 0 i32.sub
    else local.get 0 end)
  (func $add1 (param i32) (result i32) local.get 0 i32.const 1 i32.add)
  (func (export "two") (result i32) i32.const 5 call $add1 call $add1)
  (func (export "fill") (param i32) i32.const 0 i32.const 7 local.get 0 memory.fill)
  (func (export "copy") (param i32) i32.const 0 i32.const 100 local.get 0 memory.copy)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "pick") (param i32) (result i32)
    (block $c (block $b (block $a local.get 0 br_table $a $b $c)
      i32.const 10 return)
      i32.const 20 return)
    i32.const 30)
  (func (export "ifbr") (param i32) (result i32) (local i32)
    local.get 0
    if
      i32.const 5 local.set 1
      local.get 0 i32.const 1 i32.eq br_if 0
      i32.const 7 local.set 1
    end
    local.get 1)
  (func (export "blocks") (param i32) (result i32)
    (block $untargeted (block $targeted
      local.get 0 br_if $targeted
      i32.const 1 drop)
      i32.const 2 drop)
    i32.const 3)
  (func (export "spin") (loop $l br $l))
  (func $ping (export "ping") call $pong)
  (func $pong call $ping)
)`;

describe('fuel', () => {
  it('charges one per instruction, nothing for structure', async () => {
    const m = await load(KERNELS);
    expect(m.call('three')).toBe(3);
    expect(m.fuelUsed()).toBe(3n);
    // loop body (7) per iteration + the final local.get
    expect(m.call('count', 10)).toBe(10);
    expect(m.fuelUsed()).toBe(71n);
    expect(m.call('count', 0)).toBe(1);
    expect(m.fuelUsed()).toBe(8n);
    // condition + if (4), then arm 3 or else arm 1
    expect(m.call('abs', -5)).toBe(5);
    expect(m.fuelUsed()).toBe(7n);
    expect(m.call('abs', 5)).toBe(5);
    expect(m.fuelUsed()).toBe(5n);
    // caller 3 (const, call, call) + callee 3 twice
    expect(m.call('two')).toBe(7);
    expect(m.fuelUsed()).toBe(9n);
  });

  it('charges br_table paths exactly', async () => {
    const m = await load(KERNELS);
    expect(m.call('pick', 0)).toBe(10);
    expect(m.fuelUsed()).toBe(4n); // local.get, br_table, i32.const, return
    expect(m.call('pick', 1)).toBe(20);
    expect(m.fuelUsed()).toBe(4n);
    expect(m.call('pick', 9)).toBe(30);
    expect(m.fuelUsed()).toBe(3n);
  });

  it('charges branches out of if arms and blocks exactly', async () => {
    const m = await load(KERNELS);
    expect(m.call('ifbr', 0)).toBe(0);
    expect(m.fuelUsed()).toBe(3n);
    expect(m.call('ifbr', 1)).toBe(5);
    expect(m.fuelUsed()).toBe(9n);
    expect(m.call('ifbr', 2)).toBe(7);
    expect(m.fuelUsed()).toBe(11n);
    expect(m.call('blocks', 0)).toBe(3);
    expect(m.fuelUsed()).toBe(7n);
    expect(m.call('blocks', 1)).toBe(3);
    expect(m.fuelUsed()).toBe(5n);
  });

  it('charges bulk memory by size and grown pages', async () => {
    const m = await load(KERNELS);
    const base = BigInt(BULK_OP_BASE_FUEL);
    m.call('fill', 6400);
    expect(m.fuelUsed()).toBe(4n + base + BigInt(6400 >>> MEMORY_BYTES_SHIFT)); // 4 instructions, the op's base, its bytes
    m.call('copy', 3);
    expect(m.fuelUsed()).toBe(4n + base);
    m.call('copy', 640);
    expect(m.fuelUsed()).toBe(4n + base + BigInt(640 >>> MEMORY_BYTES_SHIFT));
    expect(m.call('grow', 2)).toBe(1);
    expect(m.fuelUsed()).toBe(2n + 2n * BigInt(FUEL_PER_PAGE) + BigInt(GROW_BASE_FUEL));
    expect(m.call('grow', 0)).toBe(3); // a query: no growth, no grow charge
    expect(m.fuelUsed()).toBe(2n);
    expect(m.call('grow', 100_000)).toBe(-1); // failed growth is not charged by size
    expect(m.fuelUsed()).toBe(2n);
  });

  it('is deterministic across calls and instances', async () => {
    const bytes = await compileWat(KERNELS);
    const used: bigint[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await load(bytes);
      for (let j = 0; j < 3; j++) {
        m.call('count', 1000);
        used.push(m.fuelUsed());
      }
    }
    expect(new Set(used)).toEqual(new Set([7001n]));
  });

  it('runs with exactly enough fuel and traps with one less', async () => {
    const m = await load(KERNELS);
    m.setBudget(71n);
    expect(m.call('count', 10)).toBe(10);
    expect(m.reason()).toBe(LimitReason.NONE);
    m.setBudget(70n);
    expect(trap(() => m.call('count', 10))).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(m.reason()).toBe(LimitReason.FUEL);
    expect(m.fuelUsed()).toBe(70n); // remaining pinned at 0
    // the next call starts afresh
    m.setBudget(1000n);
    expect(m.call('three')).toBe(3);
    expect(m.reason()).toBe(LimitReason.NONE);
  });

  it('stops an infinite loop and a loop through calls', async () => {
    const m = await load(KERNELS, { defaultFuel: 100_000n, limitImport: { module: 'reed', name: 'limit' } });
    expect(trap(() => m.call('spin'))).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(m.reason()).toBe(LimitReason.FUEL);
    expect(m.fuelUsed()).toBe(100_000n);
    m.setBudget(5000n);
    expect(trap(() => m.call('ping'))).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(m.reason()).toBe(LimitReason.FUEL);
    expect(m.limitCalls).toEqual([LimitReason.FUEL, LimitReason.FUEL]);
  });

  it('meters the start function against the baked-in default', async () => {
    const wat = '(module (func $s (loop $l br $l)) (start $s))';
    const bytes = instrument(await compileWat(wat), { defaultFuel: 1000n }).bytes;
    await expect(WebAssembly.instantiate(bytes)).rejects.toBeInstanceOf(WebAssembly.RuntimeError);
  });

  it('adds no meters with fuel: false', async () => {
    const m = await load(KERNELS, { fuel: false });
    expect(m.call('count', 10)).toBe(10);
    expect(m.fuelUsed()).toBe(0n);
    expect(m.call('grow', 1)).toBe(1);
  });

  it('reports how many blocks it metered', async () => {
    const { stats } = instrument(await compileWat(KERNELS));
    expect(stats.functions).toBe(14);
    expect(stats.meteredBlocks).toBeGreaterThan(12);
    expect(stats.outputBytes).toBeGreaterThan(stats.inputBytes);
  });
});
