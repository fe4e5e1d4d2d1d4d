/**
 * A hostile plugin against the host's own Extism kernel (inline isolation), through the manager:
 * whatever it does with block addresses, output lengths, the input block or its error text, the
 * call fails as a typed PluginError naming it (or succeeds harmlessly), the host's own bytes are
 * untouched, the plugin's next call works, and the neighbour is unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginManager } from '@reedcms/plugins';
import { expectNeighbourHealthy, loadNeighbour } from '../support/neighbour.ts';
import { ECHO_BODY, buildWatPlugin, envImport as env, manifestToml } from '../support/wat-plugins.ts';

/** `echo` copies the input to the output (the health check); the other exports misbehave. */
const KERNEL_ABUSE = `(module
  ${env('input_length', '', '(result i64)')}
  ${env('input_offset', '', '(result i64)')}
  ${env('input_load_u8', '(param i64)', '(result i32)')}
  ${env('alloc', '(param i64)', '(result i64)')}
  ${env('store_u8', '(param i64 i32)')}
  ${env('store_u64', '(param i64 i64)')}
  ${env('load_u64', '(param i64)', '(result i64)')}
  ${env('output_set', '(param i64 i64)')}
  ${env('error_set', '(param i64)')}
  ${env('var_set', '(param i64 i64)')}
  ${env('length', '(param i64)', '(result i64)')}
  ${env('free', '(param i64)')}
  (memory (export "memory") 1)
  (func (export "echo") (result i32)${ECHO_BODY})
  ;; output_set with a negative length
  (func (export "negative_output") (result i32) (local $out i64)
    (local.set $out (call $alloc (i64.const 4)))
    (call $output_set (local.get $out) (i64.const -1))
    (i32.const 0))
  ;; overwrites the input block in place (its first 8 bytes, then one more), and outputs it
  (func (export "scribble_input") (result i32)
    (call $store_u64 (call $input_offset) (i64.const 0x5858585858585858))
    (call $store_u8 (i64.add (call $input_offset) (i64.const 8)) (i32.const 88))
    (call $output_set (call $input_offset) (call $input_length))
    (i32.const 0))
  ;; odd sizes and addresses: one output byte per probe, 1 when the kernel answered as expected
  (func (export "probe") (result i32) (local $out i64)
    (local.set $out (call $alloc (i64.const 6)))
    (call $store_u8 (local.get $out) (i64.eqz (call $alloc (i64.const 0x10000000000))))
    (call $store_u8 (i64.add (local.get $out) (i64.const 1)) (i64.eqz (call $alloc (i64.const -1))))
    (call $store_u8 (i64.add (local.get $out) (i64.const 2)) (i64.eqz (call $length (call $alloc (i64.const 0)))))
    (call $store_u8 (i64.add (local.get $out) (i64.const 3)) (i64.eqz (call $length (i64.const -1))))
    (call $store_u8 (i64.add (local.get $out) (i64.const 4)) (i64.eqz (call $length (i64.const 0x7fff000000000000))))
    ;; the null page is one byte, as in Extism
    (call $store_u8 (i64.add (local.get $out) (i64.const 5)) (i64.eq (call $length (i64.const 0)) (i64.const 1)))
    (call $output_set (local.get $out) (i64.const 6))
    (i32.const 0))
  ;; frees the input block, then sets it as the output
  (func (export "freed_output") (result i32)
    (call $free (call $input_offset))
    (call $output_set (call $input_offset) (call $input_length))
    (i32.const 0))
  ;; reads 8 bytes straddling the end of a 4-byte block
  (func (export "straddle") (result i32)
    (drop (call $load_u64 (i64.add (call $alloc (i64.const 4)) (i64.const 1))))
    (i32.const 0))
  ;; keeps a variable named by the whole input, with an empty value
  (func (export "hoard_keys") (result i32)
    (call $var_set (call $input_offset) (call $alloc (i64.const 0)))
    (i32.const 0))
  ;; sets the whole input (however large) as the call's error text
  (func (export "huge_error") (result i32)
    (call $error_set (call $input_offset))
    (i32.const 0)))`;

const VAR_BYTES = 64 * 1024;

describe('a hostile plugin against the host kernel (inline)', () => {
  let manager: PluginManager;

  beforeAll(async () => {
    manager = new PluginManager({ isolation: 'inline', limits: { maxVarBytes: VAR_BYTES } });
    await loadNeighbour(manager);
    const exports = ['echo', 'negative_output', 'scribble_input', 'huge_error', 'hoard_keys', 'probe', 'freed_output', 'straddle'].map((name) => `Export = "${name}"`);
    await manager.load({ manifest: manifestToml('abuser', exports), wasm: await buildWatPlugin(KERNEL_ABUSE) });
  });

  afterAll(async () => {
    await manager.shutdown();
  });

  const expectStillWorks = async () => {
    await expect(manager.call('abuser', 'echo', 'fine', { as: 'text' })).resolves.toBe('fine');
    await expectNeighbourHealthy(manager);
  };

  it('output_set with a negative length fails the call as E_TRAP naming the plugin; the next call works', async () => {
    await expect(manager.call('abuser', 'negative_output')).rejects.toMatchObject({ name: 'GuestError', code: 'E_TRAP', pluginId: 'abuser' });
    await expectStillWorks();
  });

  it("cannot write into the host's input bytes through the input block; it reads back what it wrote", async () => {
    const input = new TextEncoder().encode('host-owned bytes');
    const original = input.slice();
    // A view into a larger host buffer, as well as a whole one.
    const backing = new Uint8Array(64).fill(7);
    const view = backing.subarray(16, 32);
    const output = (await manager.call('abuser', 'scribble_input', input)) as Uint8Array;
    expect(new TextDecoder().decode(output)).toBe('XXXXXXXXXd bytes');
    expect(input).toStrictEqual(original);
    await manager.call('abuser', 'scribble_input', view);
    expect(backing).toStrictEqual(new Uint8Array(64).fill(7));
    await expectStillWorks();
  });

  it('an error text of a megabyte reaches the host clipped, as an E_GUEST naming the plugin', async () => {
    const huge = 'e'.repeat(1024 * 1024);
    const error = (await manager.call('abuser', 'huge_error', huge).catch((err: unknown) => err)) as Error;
    expect(error).toMatchObject({ name: 'GuestError', code: 'E_GUEST', pluginId: 'abuser' });
    expect(error.message.length).toBeLessThan(16 * 1024);
    // Clipped once: the message names the whole text's length.
    expect(error.message).toContain(`(${huge.length} characters in all)`);
    await expectStillWorks();
  });
  it('variable keys count towards maxVarBytes: long keys with empty values end with E_LIMIT', async () => {
    // Three 16 KiB keys fit in 64 KiB; a fourth one byte longer passes it (values: 0 bytes).
    const key = (n: number) => `${n}`.padEnd(16 * 1024, '.');
    for (let n = 1; n <= 3; n++) await expect(manager.call('abuser', 'hoard_keys', key(n))).resolves.toStrictEqual(new Uint8Array(0));
    await expect(manager.call('abuser', 'hoard_keys', `${key(4)}+`)).rejects.toMatchObject({
      code: 'E_LIMIT',
      pluginId: 'abuser',
      limit: { name: 'maxVarBytes', value: VAR_BYTES },
    });
    await expectStillWorks();
  });
  it('odd sizes and addresses: alloc of 2^40 or -1 answers 0, empty blocks and bad addresses have length 0', async () => {
    await expect(manager.call('abuser', 'probe')).resolves.toStrictEqual(new Uint8Array([1, 1, 1, 1, 1, 1]));
    await expectStillWorks();
  });

  it('output_set on a freed block and a load straddling a block end are E_TRAP naming the plugin', async () => {
    await expect(manager.call('abuser', 'freed_output', 'x')).rejects.toMatchObject({
      name: 'GuestError',
      code: 'E_TRAP',
      pluginId: 'abuser',
      message: expect.stringContaining('cannot assign to this block'),
    });
    await expect(manager.call('abuser', 'straddle')).rejects.toMatchObject({ name: 'GuestError', code: 'E_TRAP', pluginId: 'abuser' });
    await expectStillWorks();
  });
});
