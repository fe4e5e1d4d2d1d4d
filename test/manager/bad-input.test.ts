/**
 * Every kind of bad input gets a typed PluginError naming the plugin and the cause, and a
 * well-behaved plugin in the same manager keeps returning correct results right after.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { Events, Hooks, PluginError, PluginManager, type PluginEvent, type PluginSource } from '@reedcms/plugins';
import { ECHO_BODY, buildWatPlugin, constantOutputWat, echoPluginWat, errorSettingWat, manifestToml, trappingWat } from '../support/wat-plugins.ts';
import { captureLogger, type CapturingLogger } from '../support/capture-logger.ts';

let echoWasm: Uint8Array;
let scratch: string;
let manager: PluginManager;
let logger: CapturingLogger;
let errors: PluginEvent[];

beforeAll(async () => {
  echoWasm = await buildWatPlugin(echoPluginWat(['initialize', 'hook_transform_data', 'hook_before_render']));
  scratch = await mkdtemp(join(tmpdir(), 'reed-bad-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

beforeEach(async () => {
  logger = captureLogger();
  manager = new PluginManager({ logger });
  errors = [];
  manager.events.subscribe(Events.PLUGIN_ERROR, (e) => {
    errors.push(e);
  });
  // The well-behaved neighbour: it upper-cases `text` on transform_data, after everyone else.
  await manager.load({
    plugin: {
      metadata: { id: 'good', name: 'Good', version: '1.0.0' },
      initialize(ctx) {
        ctx.hooks.register(Hooks.TRANSFORM_DATA, (d: { text: string }) => ({ ...d, text: d.text.toUpperCase() }), { priority: 1000 });
      },
    },
  });
});

afterEach(async () => {
  await manager.shutdown();
});

/** The neighbour still works and is still active. */
async function expectNeighbourHealthy(): Promise<void> {
  await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, { text: 'still fine' })).resolves.toMatchObject({ text: 'STILL FINE' });
  expect(manager.plugins().find((p) => p.id === 'good')?.state).toBe('active');
}

async function expectLoadError(source: PluginSource, code: string, pluginId: string | undefined, message: RegExp): Promise<PluginError> {
  const error = await manager.load(source).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(PluginError);
  const pluginError = error as PluginError;
  expect(pluginError.code).toBe(code);
  expect(pluginError.pluginId).toBe(pluginId);
  expect(pluginError.message).toMatch(message);
  // Reported once as plugin.error, and never left behind as a loaded plugin.
  expect(errors.map((e) => (e.data as { code: string }).code)).toEqual([code]);
  expect(manager.plugins().map((p) => p.id)).toEqual(['good']);
  await expectNeighbourHealthy();
  return pluginError;
}

describe('bad manifests', () => {
  it('malformed TOML', async () => {
    const err = await expectLoadError({ manifest: 'id = "x"\nname = [unclosed', wasm: echoWasm }, 'E_MANIFEST', undefined, /malformed TOML \(line 2/);
    expect(err.cause).toBeDefined();
  });

  it('missing and mistyped fields, all reported at once with their paths', async () => {
    const err = await expectLoadError({ manifest: 'id = "typed"\nversion = 3\npriority = "high"', wasm: echoWasm }, 'E_MANIFEST', 'typed', /name: is required/);
    expect(err.message).toMatch(/version: /);
    expect(err.message).toMatch(/priority: /);
  });

  it('invalid semver version and range', async () => {
    const err = await expectLoadError(
      { manifest: 'id = "ver"\nname = "V"\nversion = "1.2"\n[[dependencies]]\nplugin_id = "core"\nversion = "^abc"', wasm: echoWasm },
      'E_MANIFEST',
      'ver',
      /version: "1.2" is not a semver version/,
    );
    expect(err.message).toMatch(/dependencies\[0\]\.version: "\^abc" is not a semver range/);
  });

  it('unknown capability kind', async () => {
    await expectLoadError({ manifest: manifestToml('caps', ['Telepathy = "x"']), wasm: echoWasm }, 'E_MANIFEST', 'caps', /capabilities\[0\]: unknown capability kind "Telepathy"/);
  });
});

describe('bad modules', () => {
  it('missing wasm file', async () => {
    const dir = join(scratch, 'nowasm');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'plugin.toml'), manifestToml('nowasm'));
    await expectLoadError({ dir }, 'E_IO', 'nowasm', /cannot read the module .*plugin\.wasm/);
  });

  it('a manifest naming a module outside its folder is E_MANIFEST, and nothing outside is read', async () => {
    const outside = join(scratch, 'outside');
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'x.wasm'), echoWasm);
    for (const [name, wasm] of [
      ['dotdot', '../outside/x.wasm'],
      ['absolute', `${outside}/x.wasm`],
      ['backslash', '..\\outside\\x.wasm'],
      ['dot', './plugin.wasm'],
    ] as const) {
      const dir = join(scratch, `escape-${name}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'plugin.toml'), manifestToml(`escape-${name}`, [], `wasm = ${JSON.stringify(wasm)}`));
      const error = await expectLoadError({ dir }, 'E_MANIFEST', `escape-${name}`, /wasm: .*relative path inside the plugin folder/);
      expect((error as PluginError & { issues?: { path: string }[] }).issues?.map((i) => i.path)).toEqual(['wasm']);
      errors.length = 0;
    }
    // A subfolder inside is fine.
    const dir = join(scratch, 'nested-ok');
    await mkdir(join(dir, 'build'), { recursive: true });
    await writeFile(join(dir, 'build', 'p.wasm'), echoWasm);
    await writeFile(join(dir, 'plugin.toml'), manifestToml('nested-ok', ['Hook = "transform_data"'], 'wasm = "build/p.wasm"'));
    await expect(manager.load({ dir })).resolves.toBe('nested-ok');
  });

  it('a symlinked module or manifest that leaves the plugin folder is refused (E_IO)', async () => {
    const outside = join(scratch, 'outside-link');
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'x.wasm'), echoWasm);
    await writeFile(join(outside, 'plugin.toml'), manifestToml('linked-toml'));
    const dir = join(scratch, 'symlinked');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'plugin.toml'), manifestToml('symlinked'));
    await symlink(join(outside, 'x.wasm'), join(dir, 'plugin.wasm'));
    await expectLoadError({ dir }, 'E_IO', 'symlinked', /resolves to .*outside the plugin folder/);
    errors.length = 0;
    const tomlDir = join(scratch, 'symlinked-toml');
    await mkdir(tomlDir, { recursive: true });
    await symlink(join(outside, 'plugin.toml'), join(tomlDir, 'plugin.toml'));
    await expectLoadError({ dir: tomlDir }, 'E_IO', undefined, /plugin\.toml resolves to .*outside the plugin folder/);
  });

  it('missing plugin folder', async () => {
    await expectLoadError({ dir: join(scratch, 'does-not-exist') }, 'E_IO', undefined, /cannot read .*plugin\.toml/);
  });

  it('bytes that are not wasm', async () => {
    await expectLoadError({ manifest: manifestToml('junk'), wasm: new TextEncoder().encode('<html>not wasm</html>') }, 'E_WASM', 'junk', /not a valid WebAssembly module/);
  });

  it('a sha256 that does not match', async () => {
    await expectLoadError({ manifest: manifestToml('hash', [], `sha256 = "${'0'.repeat(64)}"`), wasm: echoWasm }, 'E_WASM', 'hash', /sha256 is [0-9a-f]{64}, the manifest expects 0{64}/);
  });

  it('a module declaring a shared memory (threads) is refused with E_INSTRUMENT', async () => {
    // No atomics anywhere: the declaration alone is refused. (wabt 1.0.39 refuses to validate a
    // shared memory, so the limits flag is set on the binary: section 5, one memory, 1..2 pages.)
    const wasm = await buildWatPlugin('(module (memory 1 2) (func (export "hook_transform_data") (result i32) i32.const 0))');
    const at = wasm.findIndex((_, i) => [0x05, 0x04, 0x01, 0x01, 0x01, 0x02].every((b, k) => wasm[i + k] === b));
    expect(at).toBeGreaterThan(0);
    wasm[at + 3] = 0x03;
    expect(WebAssembly.validate(wasm as Uint8Array<ArrayBuffer>)).toBe(true);
    await expectLoadError({ manifest: manifestToml('shared', ['Hook = "transform_data"']), wasm }, 'E_INSTRUMENT', 'shared', /shared memory \(threads\) is not supported/);
  });

  it('a module importing a host function we do not provide', async () => {
    const wasm = await buildWatPlugin(
      '(module (import "extism:host/user" "launch_missiles" (func (param i64))) (import "env" "abort" (func)) (func (export "hook_transform_data") (result i32) i32.const 0))',
    );
    await expectLoadError({ manifest: manifestToml('imports', ['Hook = "transform_data"']), wasm }, 'E_LINK', 'imports', /extism:host\/user\.launch_missiles.*env\.abort/);
  });

  it('a declared hook whose export is missing', async () => {
    await expectLoadError(
      { manifest: manifestToml('noexport', ['Hook = "after_render"', 'Command = "go"']), wasm: echoWasm },
      'E_EXPORT',
      'noexport',
      /hook_after_render \(for Hook "after_render"\).*handle_command/,
    );
  });

  it('initialize that traps', async () => {
    const wasm = await buildWatPlugin(trappingWat('initialize', ['hook_transform_data']));
    const err = await expectLoadError({ manifest: manifestToml('trapinit', ['Hook = "transform_data"']), wasm }, 'E_INIT', 'trapinit', /initialize failed: .*unreachable/);
    expect(err.cause).toMatchObject({ code: 'E_TRAP' });
    expect(manager.hooks.describe(Hooks.TRANSFORM_DATA).map((h) => h.pluginId)).toEqual(['good']);
  });

  it('initialize that sets an error', async () => {
    const wasm = await buildWatPlugin(errorSettingWat('initialize', 'database url missing', ['hook_transform_data']));
    const err = await expectLoadError({ manifest: manifestToml('errinit', ['Hook = "transform_data"']), wasm }, 'E_INIT', 'errinit', /database url missing/);
    expect(err.cause).toMatchObject({ code: 'E_GUEST' });
  });

  it('a duplicate plugin id', async () => {
    await manager.load({ manifest: manifestToml('twin'), wasm: echoWasm });
    errors.length = 0;
    const before = manager.plugins().map((p) => p.id);
    const error = await manager.load({ manifest: manifestToml('twin', [], '', '2.0.0'), wasm: echoWasm }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_DUPLICATE', pluginId: 'twin' });
    expect(manager.plugins().map((p) => p.id)).toEqual(before);
    expect(manager.plugins().find((p) => p.id === 'twin')?.metadata?.version).toBe('1.0.0');
    await expectNeighbourHealthy();
  });

  it('a dependency cycle, named in the error', async () => {
    const root = await mkdtemp(join(scratch, 'cycle-'));
    for (const [id, dep] of [
      ['alpha', 'beta'],
      ['beta', 'gamma'],
      ['gamma', 'alpha'],
    ] as const) {
      await mkdir(join(root, id));
      await writeFile(join(root, id, 'plugin.toml'), manifestToml(id, [], `[[dependencies]]\nplugin_id = "${dep}"`));
      await writeFile(join(root, id, 'plugin.wasm'), echoWasm);
    }
    const cyclic = new PluginManager({ pluginDir: root, logger: captureLogger() });
    const { loaded, failed } = await cyclic.initialize();
    expect(loaded).toEqual([]);
    expect(failed.map((f) => [f.id, f.error?.code, f.error?.message])).toEqual(
      ['alpha', 'beta', 'gamma'].map((id) => [id, 'E_DEPENDENCY', `[${id}] dependency cycle: alpha -> beta -> gamma -> alpha`]),
    );
    await cyclic.shutdown();
    await expectNeighbourHealthy();
  });
});

describe('bad data at call time', () => {
  it('hook input that is not JSON-serializable: the WASM handler is skipped with E_INPUT, the chain goes on', async () => {
    await manager.load({ manifest: manifestToml('wasm-echo', ['Hook = "transform_data"']), wasm: echoWasm });
    const cyclic: Record<string, unknown> = { text: 'loop' };
    cyclic['self'] = cyclic;
    const result = (await manager.hooks.execute(Hooks.TRANSFORM_DATA, cyclic)) as { text: string };
    expect(result.text).toBe('LOOP'); // the JS neighbour still ran
    expect(errors).toHaveLength(1);
    expect(errors[0]?.data).toMatchObject({ pluginId: 'wasm-echo', code: 'E_INPUT', operation: 'hook_transform_data' });
    expect(manager.stats('wasm-echo').lastError?.code).toBe('E_INPUT');
    await expectNeighbourHealthy();
  });

  it('a plugin whose output is not valid JSON: skipped with E_OUTPUT, data unchanged', async () => {
    const wasm = await buildWatPlugin(constantOutputWat('hook_transform_data', '{not json'));
    await manager.load({ manifest: manifestToml('badjson', ['Hook = "transform_data"']), wasm });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, { text: 'abc' })).resolves.toEqual({ text: 'ABC' });
    expect(errors[0]?.data).toMatchObject({ pluginId: 'badjson', code: 'E_OUTPUT' });
    expect((errors[0]?.data as { message: string }).message).toContain('"{not json"');
    await expectNeighbourHealthy();
  });

  it('a trap during a hook: E_TRAP, the instance is replaced and the next call works', async () => {
    // Traps on every call whose input is longer than 20 bytes; echoes shorter ones.
    const wasm = await buildWatPlugin(
      echoPluginWat(
        ['initialize'],
        `  (func (export "hook_transform_data") (result i32)
    (if (i64.gt_u (call $input_length) (i64.const 20)) (then unreachable))
    (call $echo))
  (func $echo (result i32)${ECHO_BODY})`,
      ),
    );
    await manager.load({ manifest: manifestToml('trappy', ['Hook = "transform_data"'], 'priority = 1'), wasm });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, { text: 'a long enough input' })).resolves.toEqual({ text: 'A LONG ENOUGH INPUT' });
    expect(errors[0]?.data).toMatchObject({ pluginId: 'trappy', code: 'E_TRAP' });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, { text: 'ok' })).resolves.toEqual({ text: 'OK' });
    expect(manager.stats('trappy')).toMatchObject({ faults: 1, consecutiveFaults: 0, restarts: 1 });
    await expectNeighbourHealthy();
  });

  it('a JS plugin handler that throws is skipped and reported with its plugin id', async () => {
    await manager.load({
      plugin: {
        metadata: { id: 'thrower', name: 'Thrower', version: '1.0.0' },
        initialize(ctx) {
          ctx.hooks.register(Hooks.TRANSFORM_DATA, () => {
            throw new Error('boom');
          });
        },
      },
    });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, { text: 'x' })).resolves.toEqual({ text: 'X' });
    expect(errors[0]?.data).toMatchObject({ pluginId: 'thrower', code: 'E_GUEST' });
    expect((errors[0]?.data as { message: string }).message).toContain('boom');
  });
});
