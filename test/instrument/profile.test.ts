/**
 * Profiling wrappers: with `profileImport`, every defined function reports its entry and exit
 * (with its output index) through the import, whether it is called directly, through a table or
 * from an export; a host reading `__reed_fuel` there learns each function's fuel.
 */
import { describe, expect, it } from 'vitest';
import { INSTRUMENT_EXPORTS, instrument } from '../../src/instrument/index.ts';
import { compileWat } from '../support/wat.ts';

const MODULE = `(module
  (type $t (func (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $leaf)
  (func $leaf (result i32) (local $i i32)
    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
    (local.get $i))
  (func $middle (result i32) (i32.add (call $leaf) (call_indirect (type $t) (i32.const 0))))
  (func (export "run") (result i32) (call $middle)))`;

describe('profileImport', () => {
  it('reports entry and exit of every function, direct, indirect and exported, with the fuel at each', async () => {
    const { bytes } = instrument(await compileWat(MODULE), { defaultFuel: 1_000_000n, profileImport: { module: 'reed', name: 'profile' } });
    const events: Array<[number, number, bigint]> = [];
    let fuel: WebAssembly.Global | undefined;
    const { instance } = await WebAssembly.instantiate(bytes, { reed: { profile: (fn: number, enter: number) => events.push([fn, enter, fuel!.value as bigint]) } });
    fuel = instance.exports[INSTRUMENT_EXPORTS.fuel] as WebAssembly.Global;
    expect((instance.exports['run'] as () => number)()).toBe(20);
    // Output indices: the profile import comes first, so leaf 1, middle 2, run 3.
    // run → middle → leaf twice (once through the table).
    expect(events.map(([fn, enter]) => [fn, enter])).toEqual([
      [3, 1],
      [2, 1],
      [1, 1],
      [1, 0],
      [1, 1],
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
    // Fuel only goes down, and each leaf call costs the same.
    const leafCosts = [events[2]![2] - events[3]![2], events[4]![2] - events[5]![2]];
    expect(leafCosts[0]).toBeGreaterThan(0n);
    expect(leafCosts[1]).toBe(leafCosts[0]);
    expect(events[0]![2] - events[7]![2]).toBeGreaterThan(leafCosts[0]! * 2n);
  });

  it('leaves the module alone without the option', async () => {
    const { bytes } = instrument(await compileWat(MODULE), {});
    expect(WebAssembly.Module.imports(new WebAssembly.Module(bytes))).toEqual([]);
  });
});
