/**
 * Existing Extism plugins, unchanged: an `{ Export = "…" }` called as is with `manager.call`
 * (Extism's count_vowels, with Extism's expected results), and host functions the host supplies,
 * reachable only by plugins that declare them. In both isolation modes, under the limits.
 */
import { describe, expect, it } from 'vitest';
import { PluginManager, type HostFunction } from '@reedcms/plugins';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { buildWatPlugin, constantOutputWat, manifestToml } from '../support/wat-plugins.ts';
import { expectNeighbourHealthy, loadNeighbour } from '../support/neighbour.ts';
import { HOST_USER_FUNCTIONS } from '../../src/plugin/wasm-plugin.ts';

// Extism's host-function example: the plugin hands its input to `hello_world` and outputs what
// the host returns (a new block).
const GREETER = `(module
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "length" (func $length (param i64) (result i64)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/user" "hello_world" (func $hello_world (param i64) (result i64)))
  (memory (export "memory") 1)
  (func (export "greet") (result i32)
    (local $len i64) (local $i i64) (local $in i64) (local $out i64)
    (local.set $len (call $input_length))
    (local.set $in (call $alloc (local.get $len)))
    (block $done (loop $copy
      (br_if $done (i64.ge_u (local.get $i) (local.get $len)))
      (call $store_u8 (i64.add (local.get $in) (local.get $i)) (call $input_load_u8 (local.get $i)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br $copy)))
    (local.set $out (call $hello_world (local.get $in)))
    (call $output_set (local.get $out) (call $length (local.get $out)))
    (i32.const 0)))`;

const helloWorld: HostFunction = (context, offset: bigint) => context.store(`Hello, ${context.read(offset)?.text() ?? '?'}!`);

for (const isolation of ['inline', 'worker'] as const) {
  describe(`existing Extism plugins, ${isolation} isolation`, () => {
    it("count_vowels through manager.call gives Extism's expected results, bytes or JSON", async () => {
      const manager = new PluginManager({ isolation, logger: captureLogger() });
      try {
        await loadNeighbour(manager);
        await manager.load({ manifest: manifestToml('vowels', ['Export = "count_vowels"']), wasm: await readFixture('count-vowels') });
        await expect(manager.call('vowels', 'count_vowels', 'Hello, World!', { as: 'json' })).resolves.toEqual({ count: 3, total: 3, vowels: 'aeiouAEIOU' });
        const bytes = (await manager.call('vowels', 'count_vowels', new TextEncoder().encode('aaa'))) as Uint8Array;
        expect(bytes).toBeInstanceOf(Uint8Array);
        expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual({ count: 3, total: 6, vowels: 'aeiouAEIOU' });
        await expect(manager.call('vowels', 'count_vowels', 'xyz', { as: 'text' })).resolves.toBe('{"count":0,"total":6,"vowels":"aeiouAEIOU"}');
        // Only declared exports: `spin` exists but is not declared.
        await expect(manager.call('vowels', 'spin')).rejects.toMatchObject({ code: 'E_NOT_IMPLEMENTED', pluginId: 'vowels' });
        await expectNeighbourHealthy(manager);
      } finally {
        await manager.shutdown();
      }
    });

    it('an Export runs under the limits: an endless one ends with E_FUEL and the next call works', async () => {
      const manager = new PluginManager({ isolation, limits: { fuel: 200_000 }, logger: captureLogger() });
      try {
        await loadNeighbour(manager);
        await manager.load({ manifest: manifestToml('vowels', ['Export = "count_vowels"', 'Export = "spin"']), wasm: await readFixture('count-vowels') });
        await expect(manager.call('vowels', 'spin')).rejects.toMatchObject({ code: 'E_FUEL', pluginId: 'vowels', limit: { name: 'fuel', value: 200_000 } });
        await expect(manager.call('vowels', 'count_vowels', 'ae', { as: 'json' })).resolves.toMatchObject({ count: 2 });
        await expectNeighbourHealthy(manager);
      } finally {
        await manager.shutdown();
      }
    });

    it('a host function reaches only the plugins that declare it', async () => {
      const manager = new PluginManager({ isolation, logger: captureLogger(), hostFunctions: { 'extism:host/user': { hello_world: helloWorld } } });
      try {
        await loadNeighbour(manager);
        const wasm = await buildWatPlugin(GREETER);
        await manager.load({ manifest: manifestToml('greeter', ['Export = "greet"', 'HostFunction = "extism:host/user.hello_world"']), wasm });
        await expect(manager.call('greeter', 'greet', 'Reed', { as: 'text' })).resolves.toBe('Hello, Reed!');
        // The same module without the declaration does not link, and the error says what to declare.
        await expect(manager.load({ manifest: manifestToml('sneaky', ['Export = "greet"']), wasm })).rejects.toMatchObject({
          code: 'E_LINK',
          pluginId: 'sneaky',
          message: expect.stringContaining('{ HostFunction = "extism:host/user.hello_world" }'),
        });
        await expectNeighbourHealthy(manager);
      } finally {
        await manager.shutdown();
      }
    });
  });
}

describe('manager.call with bad input or output', () => {
  it('is E_INPUT for data JSON cannot carry, E_OUTPUT for output that is not the JSON or text asked for, E_NOT_IMPLEMENTED on a JS plugin', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    try {
      await manager.load({ manifest: manifestToml('vowels', ['Export = "count_vowels"']), wasm: await readFixture('count-vowels') });
      await manager.load({ plugin: { metadata: { id: 'js', name: 'js', version: '1.0.0' } } });
      const cyclic: Record<string, unknown> = {};
      cyclic['self'] = cyclic;
      await expect(manager.call('vowels', 'count_vowels', cyclic)).rejects.toMatchObject({ code: 'E_INPUT', pluginId: 'vowels' });
      await manager.load({ manifest: manifestToml('prose', ['Export = "run"']), wasm: await buildWatPlugin(constantOutputWat('run', '{not json')) });
      await expect(manager.call('prose', 'run', '', { as: 'json' })).rejects.toMatchObject({ code: 'E_OUTPUT', pluginId: 'prose' });
      await expect(manager.call('prose', 'run', '', { as: 'text' })).resolves.toBe('{not json');
      await expect(manager.call('js', 'anything')).rejects.toMatchObject({ code: 'E_NOT_IMPLEMENTED', pluginId: 'js' });
      await expect(manager.call('nobody', 'count_vowels')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
      // The plugin is unaffected by the refused calls.
      await expect(manager.call('vowels', 'count_vowels', 'ee', { as: 'json' })).resolves.toMatchObject({ count: 2 });
    } finally {
      await manager.shutdown();
    }
  });
});

describe('HOST_USER_FUNCTIONS (what reed-plugin check and inspect say the host provides)', () => {
  it('names exactly what a plugin can import from extism:host/user', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    const module = (names: readonly string[]) =>
      buildWatPlugin(`(module ${names.map((n, i) => `(import "extism:host/user" "${n}" (func $f${i}))`).join(' ')} (func (export "run") (result i32) (i32.const 0)))`);
    try {
      await expect(manager.load({ manifest: manifestToml('all', ['Export = "run"']), wasm: await module(HOST_USER_FUNCTIONS) })).resolves.toBe('all');
      await expect(manager.load({ manifest: manifestToml('more', ['Export = "run"']), wasm: await module([...HOST_USER_FUNCTIONS, 'reed_not_a_function']) })).rejects.toMatchObject({
        code: 'E_LINK',
        message: expect.stringContaining('extism:host/user.reed_not_a_function'),
      });
    } finally {
      await manager.shutdown();
    }
  });
});

describe('Export and HostFunction declarations', () => {
  it('refuses what cannot work: a missing export, the host ABI names, an unsupplied or clashing host function', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    try {
      await expect(manager.load({ manifest: manifestToml('none', ['Export = "nope"']), wasm: await readFixture('count-vowels') })).rejects.toMatchObject({
        code: 'E_EXPORT',
        message: expect.stringContaining('nope (for Export "nope")'),
      });
      await expect(manager.load({ manifest: manifestToml('abi', ['Export = "initialize"']), wasm: await readFixture('count-vowels') })).rejects.toMatchObject({ code: 'E_MANIFEST' });
      await expect(manager.load({ manifest: manifestToml('wants', ['HostFunction = "extism:host/user.hello_world"']), wasm: await readFixture('count-vowels') })).rejects.toMatchObject({
        code: 'E_CAPABILITY',
        pluginId: 'wants',
      });
    } finally {
      await manager.shutdown();
    }
    expect(() => new PluginManager({ hostFunctions: { 'extism:host/user': { reed_publish_event: helloWorld } } })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => new PluginManager({ hostFunctions: { 'extism:host/env': { alloc: helloWorld } } })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
  });
});
