/**
 * A host function that calls back into a guest export (as wasm-bindgen glue does) shares the
 * call's fuel budget and depth counter instead of starting fresh ones; the host's next entry
 * after a limit trap starts fresh again. Modules come from WAT source, instrumented here.
 */
import { describe, expect, it } from 'vitest';
import createPlugin from '@extism/extism';
import { LimitReason, RETURN_CODE_SIGNAL, instrument } from '../../src/instrument/index.ts';
import { GROW_IMPORT, LIMIT_IMPORT, instrumentOptions, resolveLimits } from '../../src/plugin/limits.ts';
import { compileWat } from '../support/wat.ts';

// `outer` calls the host forever; the host re-enters through `inner`, which burns some fuel.
const REENTRANT = `(module
  (import "host" "callback" (func $callback))
  (func (export "outer") (loop $l (call $callback) (br $l)))
  (func (export "inner") (local $i i32)
    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 100)))))
  (func (export "recurse") (call $callback)))`;

async function reentrant(options: { fuel?: bigint; maxCallDepth?: number }, callback: (exports: Record<string, CallableFunction>) => void) {
  const reasons: number[] = [];
  let exports: Record<string, CallableFunction> = {};
  const { bytes } = instrument(await compileWat(REENTRANT), { defaultFuel: options.fuel ?? 100_000n, maxCallDepth: options.maxCallDepth ?? 0, limitImport: { module: 'reed', name: 'limit' } });
  const { instance } = await WebAssembly.instantiate(bytes, { host: { callback: () => callback(exports) }, reed: { limit: (r: number) => reasons.push(r) } });
  exports = instance.exports as unknown as Record<string, CallableFunction>;
  return { exports, reasons, instance };
}

describe('re-entry from a host function', () => {
  it('shares the fuel budget: an endless loop through re-entry ends out of fuel', async () => {
    let inner = 0;
    const m = await reentrant({ fuel: 100_000n }, (x) => {
      inner++;
      x['inner']!();
    });
    expect(() => m.exports['outer']!()).toThrow(WebAssembly.RuntimeError);
    expect(m.reasons).toEqual([LimitReason.FUEL]);
    // Each re-entry costs a few hundred fuel of the one budget: a fresh budget per entry would never end.
    expect(inner).toBeGreaterThan(100);
    expect(inner).toBeLessThan(1_000);
  });

  it('shares the depth counter: recursion through the host ends with a STACK trap', async () => {
    let entries = 0;
    const m = await reentrant({ fuel: 10n ** 12n, maxCallDepth: 50 }, (x) => {
      entries++;
      x['recurse']!();
    });
    expect(() => m.exports['recurse']!()).toThrow(WebAssembly.RuntimeError);
    expect(m.reasons).toEqual([LimitReason.STACK]);
    expect(entries).toBe(50);
  });

  it('starts a fresh budget on the next entry from the host after a limit trap', async () => {
    let calls = 0;
    const m = await reentrant({ fuel: 100_000n }, (x) => {
      calls++;
      x['inner']!();
    });
    expect(() => m.exports['outer']!()).toThrow(WebAssembly.RuntimeError);
    const first = calls;
    calls = 0;
    expect(() => m.exports['outer']!()).toThrow(WebAssembly.RuntimeError);
    expect(calls).toBe(first);
    expect(() => m.exports['inner']!()).not.toThrow();
  });
});

describe('return codes', () => {
  const RETURNS = `(module (func (export "run") (param) (result i32) (i32.const 7)) (func (export "ok") (result i32) (i32.const 0)) (func (export "two") (param i32) (result i32) (local.get 0)))`;

  it('signals a nonzero return of a () -> i32 export when asked to, and only then', async () => {
    const signals: number[] = [];
    const imports = { reed: { limit: (v: number) => signals.push(v) } };
    const on = instrument(await compileWat(RETURNS), { limitImport: { module: 'reed', name: 'limit' }, signalReturnCodes: true }).bytes;
    const x = (await WebAssembly.instantiate(on, imports)).instance.exports as Record<string, CallableFunction>;
    expect(x['run']!()).toBe(7);
    expect(x['ok']!()).toBe(0);
    expect(x['two']!(5)).toBe(5); // not Extism's shape: never signalled
    expect(signals).toEqual([RETURN_CODE_SIGNAL, 7]);
    const off = instrument(await compileWat(RETURNS), { limitImport: { module: 'reed', name: 'limit' } }).bytes;
    const y = (await WebAssembly.instantiate(off, imports)).instance.exports as Record<string, CallableFunction>;
    expect(y['run']!()).toBe(7);
    expect(signals).toEqual([RETURN_CODE_SIGNAL, 7]);
  });
});

describe('Extism module linking', () => {
  it('links an instrumented main to an instrumented module named extism:host/user', async () => {
    // Our limit import has a namespace of its own: Extism resolves imports of a linked module's
    // name to that module, so an import of ours in extism:host/user would be taken for the library's.
    const options = instrumentOptions(resolveLimits({}));
    const library = instrument(await compileWat(`(module (func (export "add_one") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))`), options).bytes;
    const main = instrument(
      await compileWat(`(module
        (import "extism:host/user" "add_one" (func $add_one (param i32) (result i32)))
        (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
        (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
        (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
        (memory (export "memory") 1)
        (func (export "run") (result i32) (local $out i64)
          (local.set $out (call $alloc (i64.const 1)))
          (call $store_u8 (local.get $out) (call $add_one (i32.const 41)))
          (call $output_set (local.get $out) (i64.const 1))
          (i32.const 0)))`),
      options,
    ).bytes;
    const signals: number[] = [];
    const plugin = await createPlugin(
      {
        wasm: [
          { data: library, name: 'extism:host/user' },
          { data: main, name: 'main' },
        ],
      },
      { useWasi: false, functions: { [LIMIT_IMPORT.module]: { [LIMIT_IMPORT.name]: (_c: unknown, v: number) => void signals.push(v), [GROW_IMPORT.name]: () => 1 } } },
    );
    try {
      const out = await plugin.call('run', '');
      expect(out?.bytes()[0]).toBe(42);
      expect(signals).toEqual([]);
    } finally {
      await plugin.close();
    }
  });
});
