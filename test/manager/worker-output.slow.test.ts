/**
 * Stock-ABI plugins (WAT, raw Extism kernel calls) whose output or error is a few bytes, in both
 * isolation modes. Extism's worker hands the host thread a copy of each block when the guest calls
 * a host function, and none later: a block allocated before such a call and written after it was
 * read stale (zeros) by the host. A one-byte `1` came out as a NUL byte, taken for a frame
 * ("no frame header"). The module's guards copy such a block before handing it over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hooks, PluginManager } from '@reedcms/plugins';
import { compileWat } from '../support/wat.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';

/** Every one-byte JSON value, and short ones. */
const OUTPUTS: unknown[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, '', [], {}, true, false, null, -1, 'x', [1], 1.5];

/**
 * Echoes its input as its output (hook_transform_data) or as its error (hook_before_render),
 * copying it byte by byte into a block allocated first. With `cross`, the guest calls a host
 * function served on the host's thread (var_get of a missing variable) between allocating the
 * block and writing it.
 */
function echoWat(cross: boolean): string {
  const crossing = cross ? '(drop (call $var_get (call $alloc (i64.const 1))))' : '';
  const copy = `
    (local $len i64) (local $i i64) (local $out i64)
    (local.set $len (call $input_length))
    (local.set $out (call $alloc (local.get $len)))
    ${crossing}
    (block $done
      (loop $copy
        (br_if $done (i64.ge_u (local.get $i) (local.get $len)))
        (call $store_u8 (i64.add (local.get $out) (local.get $i)) (call $input_load_u8 (local.get $i)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $copy)))`;
  return `(module
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/env" "error_set" (func $error_set (param i64)))
  (import "extism:host/env" "var_get" (func $var_get (param i64) (result i64)))
  (func (export "hook_transform_data") (result i32)${copy}
    (call $output_set (local.get $out) (local.get $len))
    (i32.const 0))
  (func (export "hook_before_render") (result i32)${copy}
    (call $error_set (local.get $out))
    (i32.const 1)))`;
}

/**
 * Keeps its input in a variable and answers the variable: the value block is allocated, then a
 * host call (var_get) crosses to the host's thread, then the block is written and handed to
 * var_set (also served there), then read back with var_get and set as the output.
 */
const VARIABLE_WAT = `(module
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "length" (func $length (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/env" "var_get" (func $var_get (param i64) (result i64)))
  (import "extism:host/env" "var_set" (func $var_set (param i64 i64)))
  (func $key (result i64) (local $k i64)
    (local.set $k (call $alloc (i64.const 1)))
    (call $store_u8 (local.get $k) (i32.const 118))
    (local.get $k))
  (func (export "hook_transform_data") (result i32)
    (local $len i64) (local $i i64) (local $value i64) (local $key i64) (local $out i64)
    (local.set $len (call $input_length))
    (local.set $key (call $alloc (i64.const 1)))
    (local.set $value (call $alloc (local.get $len)))
    (drop (call $var_get (call $key)))
    (call $store_u8 (local.get $key) (i32.const 118))
    (block $done
      (loop $copy
        (br_if $done (i64.ge_u (local.get $i) (local.get $len)))
        (call $store_u8 (i64.add (local.get $value) (local.get $i)) (call $input_load_u8 (local.get $i)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $copy)))
    (call $var_set (local.get $key) (local.get $value))
    (local.set $out (call $var_get (call $key)))
    (call $output_set (local.get $out) (call $length (local.get $out)))
    (i32.const 0)))`;

describe('many calls on one worker instance', () => {
  // Extism's worker never reset its block table: every call added its input and output blocks
  // for good, and from call 16,384 on (32,767 blocks) every call failed "cannot assign to this
  // block". The table is now reset after every call.
  it('17,000 calls in a row all answer, on the same instance', async () => {
    const manager = new PluginManager({ isolation: 'worker', logger: captureLogger() });
    try {
      await manager.load({ manifest: manifestToml('busy', ['Hook = "transform_data"']), wasm: await compileWat(echoWat(false)) });
      let wrong = 0;
      for (let i = 0; i < 17_000; i++) if ((await manager.hooks.execute(Hooks.TRANSFORM_DATA, i, { errorPolicy: 'fail' })) !== i) wrong++;
      expect(wrong).toBe(0);
      expect(manager.stats('busy')).toMatchObject({ faults: 0, restarts: 0 });
    } finally {
      await manager.shutdown();
    }
  });
});

for (const isolation of ['inline', 'worker'] as const) {
  describe(`blocks handed to the host after a host call, ${isolation} isolation`, () => {
    it('a variable key and value written after a host call are stored as written', async () => {
      const manager = new PluginManager({ isolation, logger: captureLogger() });
      try {
        await manager.load({ manifest: manifestToml('keeper', ['Hook = "transform_data"']), wasm: await compileWat(VARIABLE_WAT) });
        for (const value of [1, 'two', { three: [3] }]) {
          await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, value, { errorPolicy: 'fail' })).resolves.toEqual(value);
        }
      } finally {
        await manager.shutdown();
      }
    });
  });

  describe(`short outputs of a stock-ABI plugin, ${isolation} isolation`, () => {
    let manager: PluginManager;

    beforeAll(async () => {
      manager = new PluginManager({ isolation, logger: captureLogger() });
      await manager.load({ manifest: manifestToml('plain', ['Hook = "transform_data"', 'Hook = "before_render"']), wasm: await compileWat(echoWat(false)) });
      await manager.load({ manifest: manifestToml('crossing', ['Hook = "transform_data"', 'Hook = "before_render"'], 'priority = 20'), wasm: await compileWat(echoWat(true)) });
    });

    afterAll(async () => {
      await manager.shutdown();
    });

    for (const value of OUTPUTS) {
      const json = JSON.stringify(value);
      it(`${json} comes back as ${json}, written before or after a host call`, async () => {
        // Both plugins echo in turn, so the value crosses each of them.
        await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, value, { errorPolicy: 'fail' })).resolves.toEqual(value);
        expect(manager.stats('plain')).toMatchObject({ faults: 0 });
        expect(manager.stats('crossing')).toMatchObject({ faults: 0 });
      });
    }

    it('an error message written after a host call reaches the host as written', async () => {
      const alone = new PluginManager({ isolation, logger: captureLogger() });
      try {
        await alone.load({ manifest: manifestToml('crossing', ['Hook = "before_render"']), wasm: await compileWat(echoWat(true)) });
        await expect(alone.hooks.execute(Hooks.BEFORE_RENDER, 'no such page', { errorPolicy: 'fail' })).rejects.toMatchObject({
          code: 'E_GUEST',
          pluginId: 'crossing',
          message: '[crossing] hook_before_render: "no such page"',
        });
      } finally {
        await alone.shutdown();
      }
    });
  });
}
