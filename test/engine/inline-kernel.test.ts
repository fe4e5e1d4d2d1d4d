/**
 * The host's own Extism kernel (src/engine/inline-kernel.ts) under an inline guest, with small
 * WAT modules speaking the raw `extism:host/env` ABI: the block cap, variables between calls,
 * log levels, the context host functions get, and how bad addresses and imports fail.
 */
import { describe, expect, it } from 'vitest';
import type { CallContext } from '@extism/extism';
import { compileModule, createGuest, type GuestOptions, type HostFunction } from '../../src/engine/extism-guest.ts';
import { classifyCallError } from '../../src/engine/guest-support.ts';
import { MAX_BLOCKS } from '../../src/engine/inline-kernel.ts';
import { DEFAULT_LIMITS } from '../../src/plugin/limits.ts';
import { compileWat } from '../support/wat.ts';
import { envImport as env } from '../support/wat-plugins.ts';

const options = (overrides: Partial<GuestOptions> = {}): GuestOptions => ({
  pluginId: 'k',
  config: {},
  logLevel: 'info',
  onLog: () => {},
  hostFunctions: {},
  wasi: { maxLineBytes: DEFAULT_LIMITS.maxLogBytes, maxFileHandles: DEFAULT_LIMITS.maxFileHandles },
  ...overrides,
});

const guestOf = async (wat: string, overrides: Partial<GuestOptions> = {}) => createGuest(await compileModule(await compileWat(wat, 'kernel.wat')), options(overrides));
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

/** `count` one-byte allocs; the output is one byte: 1 when every alloc answered a block, 0 when one answered 0. */
const ALLOCS_WAT = `(module
  ${env('alloc', '(param i64)', '(result i64)')}
  ${env('store_u8', '(param i64 i32)')}
  ${env('output_set', '(param i64 i64)')}
  ${env('input_load_u8', '(param i64)', '(result i32)')}
  (memory (export "memory") 1)
  (func (export "run") (result i32)
    (local $i i32) (local $all i32) (local $out i64) (local $count i32)
    ;; the count, in thousands, is the input's first byte
    (local.set $count (i32.mul (call $input_load_u8 (i64.const 0)) (i32.const 1000)))
    (local.set $all (i32.const 1))
    (block $done
      (loop $more
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (if (i64.eqz (call $alloc (i64.const 1))) (then (local.set $all (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $more)))
    (local.set $out (call $alloc (i64.const 1)))
    (if (i64.ne (local.get $out) (i64.const 0))
      (then
        (call $store_u8 (local.get $out) (local.get $all))
        (call $output_set (local.get $out) (i64.const 1))))
    (i32.const 0)))`;

describe('the host kernel (inline)', () => {
  it(`holds a call to ${MAX_BLOCKS.toLocaleString('en-US')} blocks: past it alloc answers 0, refused once and logged, and the next call starts afresh`, async () => {
    const logs: string[] = [];
    let refusals = 0;
    const guest = await guestOf(ALLOCS_WAT, { onLog: (_level, message) => logs.push(message), onHostMemoryRefused: () => refusals++ });
    // 33,000 allocs: the ones past the cap answer 0 (and so does the output's own alloc).
    expect(await guest.call('run', new Uint8Array([33]))).toStrictEqual(new Uint8Array(0));
    expect(refusals).toBe(1);
    expect(logs).toStrictEqual([`memory limit exceeded: more than ${MAX_BLOCKS} blocks requested in this call`]);
    // 32,000 allocs fit, call after call: the table is emptied between calls.
    for (let i = 0; i < 3; i++) expect(await guest.call('run', new Uint8Array([32]))).toStrictEqual(new Uint8Array([1]));
    expect(refusals).toBe(1);
    await guest.close();
  });

  it('keeps variables between calls, under maxVarBytes; a refused var_set fails the call with the guest error and tells onVarsRefused', async () => {
    // set: var "k" := the input; get: output := var "k" (or nothing).
    const wat = `(module
      ${env('alloc', '(param i64)', '(result i64)')}
      ${env('store_u8', '(param i64 i32)')}
      ${env('input_length', '', '(result i64)')}
      ${env('input_offset', '', '(result i64)')}
      ${env('var_set', '(param i64 i64)')}
      ${env('var_get', '(param i64)', '(result i64)')}
      ${env('length', '(param i64)', '(result i64)')}
      ${env('output_set', '(param i64 i64)')}
      (memory (export "memory") 1)
      (func $key (result i64) (local $k i64)
        (local.set $k (call $alloc (i64.const 1)))
        (call $store_u8 (local.get $k) (i32.const 107))
        (local.get $k))
      (func (export "set") (result i32)
        (call $var_set (call $key) (call $input_offset))
        (i32.const 0))
      (func (export "get") (result i32) (local $v i64)
        (local.set $v (call $var_get (call $key)))
        (if (i64.ne (local.get $v) (i64.const 0)) (then (call $output_set (local.get $v) (call $length (local.get $v)))))
        (i32.const 0)))`;
    let refused = 0;
    const guest = await guestOf(wat, { maxVarBytes: 8, onVarsRefused: () => refused++ });
    expect(await guest.call('get', new Uint8Array(0))).toStrictEqual(new Uint8Array(0));
    await guest.call('set', bytes('hello'));
    expect(text(await guest.call('get', new Uint8Array(0)))).toBe('hello');
    await expect(guest.call('set', bytes('far too long'))).rejects.toMatchObject({ code: 'E_GUEST', message: expect.stringContaining('var memory limit exceeded') });
    expect(refused).toBe(1);
    // The refused value left the old one in place.
    expect(text(await guest.call('get', new Uint8Array(0)))).toBe('hello');
    await guest.close();
  });

  it('logs by level: lines under the plugin level are dropped, get_log_level says the level', async () => {
    const wat = `(module
      ${env('alloc', '(param i64)', '(result i64)')}
      ${env('store_u8', '(param i64 i32)')}
      ${env('log_debug', '(param i64)')}
      ${env('log_warn', '(param i64)')}
      ${env('get_log_level', '', '(result i32)')}
      (memory (export "memory") 1)
      (func $line (param $c i32) (result i64) (local $b i64)
        (local.set $b (call $alloc (i64.const 1)))
        (call $store_u8 (local.get $b) (local.get $c))
        (local.get $b))
      (func (export "run") (result i32)
        (call $log_debug (call $line (i32.const 100)))
        (call $log_warn (call $line (i32.add (i32.const 48) (call $get_log_level))))
        (i32.const 0)))`;
    const lines: Array<[string, string]> = [];
    const guest = await guestOf(wat, { logLevel: 'info', onLog: (level, message) => lines.push([level, message]) });
    await guest.call('run', new Uint8Array(0));
    // info is priority 2 (Extism's numbering: trace 0 … error 4).
    expect(lines).toStrictEqual([['warn', '2']]);
    await guest.close();
  });

  it("hands host functions a context that reads the guest's blocks, stores new ones and keeps variables", async () => {
    const wat = `(module
      ${env('input_offset', '', '(result i64)')}
      ${env('output_set', '(param i64 i64)')}
      ${env('length', '(param i64)', '(result i64)')}
      (import "extism:host/user" "shout" (func $shout (param i64) (result i64)))
      (memory (export "memory") 1)
      (func (export "run") (result i32) (local $out i64)
        (local.set $out (call $shout (call $input_offset)))
        (call $output_set (local.get $out) (call $length (local.get $out)))
        (i32.const 0)))`;
    const shout: HostFunction = (context: CallContext, address: bigint) => {
      const calls = Number(context.getVariable('calls')?.text() ?? '0') + 1;
      context.setVariable('calls', String(calls));
      return context.store(`${context.read(address)?.text().toUpperCase() ?? '?'} ×${calls}`);
    };
    const guest = await guestOf(wat, { hostFunctions: { shout } });
    expect(text(await guest.call('run', bytes('hi')))).toBe('HI ×1');
    expect(text(await guest.call('run', bytes('again')))).toBe('AGAIN ×2');
    await guest.close();
  });

  it('a load from an address that is no block is E_TRAP; an extism:host/env import the kernel lacks is E_LINK', async () => {
    const bad = await guestOf(`(module
      ${env('load_u64', '(param i64)', '(result i64)')}
      (memory (export "memory") 1)
      (func (export "run") (result i32) (drop (call $load_u64 (i64.const 0x7fff000000000000))) (i32.const 0)))`);
    await expect(bad.call('run', new Uint8Array(0))).rejects.toMatchObject({ code: 'E_TRAP', message: expect.stringContaining('no block at address') });
    // The instance goes on.
    await expect(bad.call('run', new Uint8Array(0))).rejects.toMatchObject({ code: 'E_TRAP' });
    await bad.close();
    await expect(guestOf(`(module ${env('made_up', '')} (memory (export "memory") 1))`)).rejects.toMatchObject({ code: 'E_LINK', message: expect.stringContaining('made_up') });
  });
  it("drops the call's blocks when it ends: a context kept past the call reads nothing, the output stays whole", async () => {
    const wat = `(module
      ${env('input_offset', '', '(result i64)')}
      ${env('output_set', '(param i64 i64)')}
      ${env('length', '(param i64)', '(result i64)')}
      (import "extism:host/user" "keep" (func $keep (param i64) (result i64)))
      (memory (export "memory") 1)
      (func (export "run") (result i32) (local $out i64)
        (local.set $out (call $keep (call $input_offset)))
        (call $output_set (local.get $out) (call $length (local.get $out)))
        (i32.const 0)))`;
    let kept: { context: CallContext; input: bigint; output: bigint } | undefined;
    const keep: HostFunction = (context: CallContext, address: bigint) => {
      const output = context.store(`${context.read(address)?.text() ?? '?'}!`);
      kept = { context, input: address, output };
      return output;
    };
    const guest = await guestOf(wat, { hostFunctions: { keep } });
    const output = await guest.call('run', bytes('kept'));
    expect(kept?.context.read(kept.input)).toBeNull();
    expect(kept?.context.read(kept.output)).toBeNull();
    expect(text(output)).toBe('kept!');
    await guest.close();
  });

  it("clips a guest's error text (either engine's wording) to a few kilobytes", () => {
    const long = 'x'.repeat(1_000_000);
    const error = classifyCallError(new Error(`Plugin-originated error: ${long}`), 'p', 'run');
    expect(error).toMatchObject({ code: 'E_GUEST', pluginId: 'p', message: expect.stringContaining('1000000 characters in all') });
    expect(error.message.length).toBeLessThan(5_000);
  });
  it('reed_block_write past the block cap answers 0 (refused, reported once), not a trap', async () => {
    const wat = `(module
      ${env('alloc', '(param i64)', '(result i64)')}
      (import "extism:host/user" "reed_block_write" (func $block_write (param i32 i32) (result i64)))
      (import "extism:host/user" "reed_output_write" (func $output_write (param i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "run") (result i32) (local $i i32)
        (loop $more
          (drop (call $alloc (i64.const 1)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $more (i32.lt_u (local.get $i) (i32.const ${MAX_BLOCKS}))))
        ;; the answer, as 8 bytes of output at address 16
        (i64.store (i32.const 16) (call $block_write (i32.const 0) (i32.const 4)))
        (drop (call $output_write (i32.const 16) (i32.const 8)))
        (i32.const 0)))`;
    let refusals = 0;
    const guest = await guestOf(wat, { onHostMemoryRefused: () => refusals++ });
    expect(await guest.call('run', new Uint8Array(0))).toStrictEqual(new Uint8Array(8));
    expect(refusals).toBe(1);
    await guest.close();
  });
});
