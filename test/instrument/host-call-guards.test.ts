/**
 * The rewriter's host-call guards and deferred start, on plain WebAssembly: the kernel here is a
 * small JS block store with Extism's addressing (block index << 48), which records what the
 * guest hands it, so each guard's effect is seen exactly. Through real Extism, in both isolation
 * modes: test/sandbox/hostile.slow.test.ts and test/manager/worker-output.slow.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { LimitReason, type InstrumentOptions } from '../../src/instrument/index.ts';
import { EXTISM_KERNEL_GUARDS } from '../../src/engine/extism-kernel.ts';
import { load } from './harness.ts';

/** Extism-style blocks; `cross` stands for a host function served on another thread. */
function kernel() {
  const blocks: (Uint8Array | null)[] = [null];
  const at = (address: bigint) => ({ block: blocks[Number(address >> 48n)]!, offset: Number(address & 0xffff_ffff_ffffn) });
  const outputs: bigint[] = [];
  const allocs: bigint[] = [];
  let crossings = 0;
  const env = {
    alloc: (size: bigint) => {
      allocs.push(size);
      blocks.push(new Uint8Array(Number(size)));
      return BigInt(blocks.length - 1) << 48n;
    },
    length: (address: bigint) => BigInt(blocks[Number(address >> 48n)]?.byteLength ?? 0),
    load_u8: (address: bigint) => at(address).block[at(address).offset]!,
    store_u8: (address: bigint, value: number) => void (at(address).block[at(address).offset] = value),
    load_u64: (address: bigint) => new DataView(at(address).block.buffer).getBigUint64(at(address).offset, true),
    store_u64: (address: bigint, value: bigint) => new DataView(at(address).block.buffer).setBigUint64(at(address).offset, value, true),
    output_set: (address: bigint) => void outputs.push(address),
    config_get: () => env.alloc(60n),
    var_set: (key: bigint, value: bigint) => void vars.push([key, value]),
  };
  const vars: [bigint, bigint][] = [];
  return { env, blocks, outputs, allocs, vars, crossings: () => crossings, user: { cross: () => void crossings++ } };
}

const LIMIT = { module: 'reed', name: 'limit' };
const options = (budgetBytes: bigint, extra: InstrumentOptions = {}): InstrumentOptions => ({
  limitImport: LIMIT,
  hostCalls: { ...EXTISM_KERNEL_GUARDS, budgetBytes },
  ...extra,
});

const GUEST = `(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/env" "config_get" (func $config_get (param i64) (result i64)))
  (import "extism:host/env" "var_set" (func $var_set (param i64 i64)))
  (import "extism:host/user" "cross" (func $cross))
  ;; deletes variable "k" (value 0) with a key allocated before a crossing call
  (func (export "forget") (result i64)
    (local $k i64)
    (local.set $k (call $alloc (i64.const 1)))
    (call $cross)
    (call $store_u8 (local.get $k) (i32.const 107))
    (call $var_set (local.get $k) (i64.const 0))
    (local.get $k))
  (func (export "alloc") (param i64) (result i64) (call $alloc (local.get 0)))
  (func (export "config") (result i64) (call $config_get (i64.const 0)))
  (func (export "config_twice") (result i64) (drop (call $config_get (i64.const 0))) (call $config_get (i64.const 0)))
  ;; allocates 11 bytes, optionally calls the other thread, writes "hello world", hands it over
  (func (export "say") (param $cross i32) (result i64)
    (local $b i64) (local $i i32)
    (local.set $b (call $alloc (i64.const 11)))
    (if (local.get $cross) (then (call $cross)))
    (loop $w
      (call $store_u8 (i64.add (local.get $b) (i64.extend_i32_u (local.get $i))) (i32.load8_u (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $w (i32.lt_u (local.get $i) (i32.const 11))))
    (call $output_set (local.get $b) (i64.const 11))
    (local.get $b))
  (memory 1)
  (data (i32.const 0) "hello world"))`;

async function guest(budget: bigint, extra: InstrumentOptions = {}) {
  const k = kernel();
  const m = await load(GUEST, options(budget, extra), { 'extism:host/env': k.env, 'extism:host/user': k.user });
  return { k, m };
}

describe('host-call guards', () => {
  it('refuse an alloc over the call budget with 0, before the host allocates, and report it once per call', async () => {
    const { k, m } = await guest(1000n);
    expect(m.call('alloc', 600n)).not.toBe(0n);
    expect(m.call('alloc', 600n)).not.toBe(0n); // a new call: a fresh budget
    expect(k.allocs).toEqual([600n, 600n]);
    expect(m.call('alloc', 4_000_000_000n)).toBe(0n);
    expect(m.call('alloc', -1n)).toBe(0n); // 2^64 - 1 bytes, unsigned
    expect(k.allocs).toEqual([600n, 600n]);
    expect(m.reason()).toBe(LimitReason.HOST_MEMORY);
    expect(m.limitCalls).toEqual([LimitReason.HOST_MEMORY, LimitReason.HOST_MEMORY]); // one per call
  });

  it('charge a block the host returns by its length, and answer 0 once the budget is spent', async () => {
    const { k, m } = await guest(100n);
    expect(m.call('config')).not.toBe(0n); // 60 of 100 bytes
    expect(m.call('config')).not.toBe(0n); // a new call
    expect(m.limitCalls).toEqual([]);
    expect(m.call('config_twice')).toBe(0n); // 120 of 100: the second copy is refused
    expect(m.limitCalls).toEqual([LimitReason.HOST_MEMORY]);
    expect(k.blocks).toHaveLength(5); // the host made it (at most one block over the budget)
  });

  it('hand over a block written after a crossing call as a fresh copy, and an unmoved one as is', async () => {
    const { k, m } = await guest(1000n);
    const direct = m.call('say', 0) as bigint;
    expect(k.outputs).toEqual([direct]);
    const stale = m.call('say', 1) as bigint;
    expect(k.crossings()).toBe(1);
    const handed = k.outputs[1]!;
    expect(handed).not.toBe(stale);
    expect(handed >> 48n).toBeGreaterThan(stale >> 48n);
    expect(new TextDecoder().decode(k.blocks[Number(handed >> 48n)]!)).toBe('hello world');
  });

  it('refresh a stale key handed to a crossing call, and pass "no block" (0) through', async () => {
    const { k, m } = await guest(1000n);
    const key = m.call('forget') as bigint;
    const [[handedKey, value]] = k.vars as [[bigint, bigint]];
    expect(handedKey).not.toBe(key);
    expect(k.blocks[Number(handedKey >> 48n)]).toEqual(new Uint8Array([107]));
    expect(value).toBe(0n);
  });

  it('leave a module without hostCalls untouched in its imports', async () => {
    const k = kernel();
    const m = await load(GUEST, { limitImport: LIMIT }, { 'extism:host/env': k.env, 'extism:host/user': k.user });
    m.call('say', 1);
    expect(k.outputs).toHaveLength(1);
    expect(WebAssembly.Module.imports(new WebAssembly.Module(m.bytes)).map((i) => i.name)).toEqual(['alloc', 'store_u8', 'output_set', 'config_get', 'var_set', 'cross', 'limit']);
  });
});

describe('deferred start', () => {
  const STARTER = `(module
    (import "env" "log" (func $log (param i32)))
    (func $start (call $log (i32.const 1)))
    (start $start)
    (func (export "_initialize") (call $log (i32.const 2)))
    (func (export "run") (result i32) (call $log (i32.const 3)) (i32.const 7)))`;

  it('runs the start function, then _initialize, once, from __reed_start or before the first export', async () => {
    for (const explicit of [true, false]) {
      const log: number[] = [];
      const m = await load(STARTER, { deferStart: true, limitImport: LIMIT }, { env: { log: (x: number) => void log.push(x) } });
      expect(log).toEqual([]); // nothing ran while instantiating
      expect(m.exports['_initialize']).toBeUndefined();
      if (explicit) m.call('__reed_start');
      expect(m.call('run')).toBe(7);
      m.call('__reed_start');
      expect(log).toEqual([1, 2, 3]);
    }
  });

  it('runs the start code on a fresh call budget: a loop ends with FUEL in the call, not while instantiating', async () => {
    const m = await load('(module (func $s (loop $l (br $l))) (start $s) (func (export "f")))', { deferStart: true, defaultFuel: 1000n, limitImport: LIMIT });
    expect(() => m.call('__reed_start')).toThrow(WebAssembly.RuntimeError);
    expect(m.reason()).toBe(LimitReason.FUEL);
    expect(m.limitCalls).toEqual([LimitReason.FUEL]);
  });

  it('adds __reed_start even when there is nothing to run', async () => {
    const m = await load('(module (func (export "f")))', { deferStart: true });
    expect(typeof m.exports['__reed_start']).toBe('function');
    m.call('__reed_start');
  });
});
