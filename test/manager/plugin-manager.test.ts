import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Events, Hooks, PluginError, PluginManager, type Plugin, type PluginEvent } from '@reedcms/plugins';
import { instrument } from '@reedcms/plugins/instrument';
import { buildWatPlugin, echoPluginWat, manifestToml } from '../support/wat-plugins.ts';
import { captureLogger } from '../support/capture-logger.ts';

let echoWasm: Uint8Array;
let scratch: string;

beforeAll(async () => {
  echoWasm = await buildWatPlugin(echoPluginWat(['initialize', 'shutdown', 'hook_transform_data', 'hook_before_render', 'on_event', 'handle_command']));
  scratch = await mkdtemp(join(tmpdir(), 'reed-manager-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const echoManifest = (id: string, extra = '', version = '1.0.0', caps = ['Hook = "transform_data"']) => manifestToml(id, caps, extra, version);

async function writePluginDir(root: string, id: string, toml: string, wasm: Uint8Array | null = echoWasm): Promise<string> {
  const dir = join(root, id);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'plugin.toml'), toml);
  if (wasm !== null) await writeFile(join(dir, 'plugin.wasm'), wasm);
  return dir;
}

function recordEvents(manager: PluginManager): PluginEvent[] {
  const seen: PluginEvent[] = [];
  manager.events.subscribe((e) => {
    seen.push(e);
  });
  return seen;
}

describe('PluginManager.load', () => {
  it('loads { manifest, wasm } from bytes, ArrayBuffer, WebAssembly.Module and a file URL', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    // A compiled module's bytes cannot be read back, so it must come instrumented (as the build plugin does).
    const module = new WebAssembly.Module(instrument(echoWasm, { memoryMaxPages: 1024, maxCallDepth: 10_000 }).bytes);
    const file = join(scratch, 'echo.wasm');
    await writeFile(file, echoWasm);
    const inputs = [echoWasm, echoWasm.slice().buffer, module, pathToFileURL(file)];
    for (const [i, wasm] of inputs.entries()) {
      const id = await manager.load({ manifest: echoManifest(`echo${i}`), wasm });
      expect(id).toBe(`echo${i}`);
    }
    expect(manager.plugins().map((p) => [p.id, p.state, p.kind])).toEqual(inputs.map((_, i) => [`echo${i}`, 'active', 'wasm']));
    // Four echo handlers in a chain: the data comes through every one of them unchanged.
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, { text: 'héllo ✓' })).resolves.toEqual({ text: 'héllo ✓' });
    expect(manager.stats('echo3').calls).toBeGreaterThanOrEqual(2); // initialize + the hook
    await manager.shutdown();
  });

  it('refuses a compiled module that carries no limits, with E_INSTRUMENT', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    const plain = new WebAssembly.Module(echoWasm as Uint8Array<ArrayBuffer>);
    await expect(manager.load({ manifest: echoManifest('plain'), wasm: plain })).rejects.toMatchObject({ code: 'E_INSTRUMENT', pluginId: 'plain' });
    await manager.shutdown();
  });

  it('loads { dir } with plugin.toml and the wasm file beside it, and publishes plugin.loaded', async () => {
    const dir = await writePluginDir(scratch, 'from-dir', echoManifest('from-dir'));
    const manager = new PluginManager({ logger: captureLogger() });
    const events = recordEvents(manager);
    await manager.load({ dir });
    expect(events.map((e) => [e.type, e.data])).toContainEqual([Events.PLUGIN_LOADED, { id: 'from-dir', version: '1.0.0' }]);
    await expect(manager.hooks.execute('transform_data', [1, 2, 3])).resolves.toEqual([1, 2, 3]);
    await manager.shutdown();
  });

  it('gives each plugin its own config, in initialize and in the context', async () => {
    const seen: unknown[] = [];
    const plugin: Plugin = {
      metadata: { id: 'cfg', name: 'Config reader', version: '1.0.0' },
      initialize(context) {
        seen.push(context.pluginId, context.config);
      },
    };
    const manager = new PluginManager({ logger: captureLogger(), plugins: { cfg: { title: 'Hello', depth: 2 }, other: { x: 1 } } });
    await manager.load({ plugin });
    expect(seen).toEqual(['cfg', { title: 'Hello', depth: 2 }]);
    await manager.shutdown();
  });
});

describe('PluginManager.initialize', () => {
  it('discovers plugin folders, loads dependencies first, then by priority, then id, and reports broken ones', async () => {
    const root = await mkdtemp(join(scratch, 'discover-'));
    await writePluginDir(root, 'a-late', echoManifest('a-late', 'priority = 50'));
    await writePluginDir(root, 'b-early', echoManifest('b-early', 'priority = 5'));
    await writePluginDir(root, 'core', echoManifest('core', 'priority = 90', '1.4.0'));
    await writePluginDir(root, 'seo', echoManifest('seo', 'priority = 1\n[[dependencies]]\nplugin_id = "core"\nversion = "^1.2"'));
    await writePluginDir(root, 'needs-old-core', echoManifest('needs-old-core', '[[dependencies]]\nplugin_id = "core"\nversion = "^2"'));
    await writePluginDir(root, 'broken', 'id = "broken"\nname = ');
    await writePluginDir(root, 'no-wasm', echoManifest('no-wasm'), null);
    await mkdir(join(root, 'not-a-plugin'));

    const manager = new PluginManager({ pluginDir: root, logger: captureLogger() });
    const events = recordEvents(manager);
    const result = await manager.initialize();

    expect(result.loaded).toEqual(['b-early', 'a-late', 'core', 'seo']);
    const loadedEvents = events.filter((e) => e.type === Events.PLUGIN_LOADED).map((e) => (e.data as { id: string }).id);
    expect(loadedEvents).toEqual(['b-early', 'a-late', 'core', 'seo']);
    const failed = Object.fromEntries(result.failed.map((f) => [f.id, f.error?.code]));
    expect(failed).toEqual({ [join(root, 'broken')]: 'E_MANIFEST', 'needs-old-core': 'E_DEPENDENCY', 'no-wasm': 'E_IO' });
    expect(manager.plugins().find((p) => p.id === 'needs-old-core')?.state).toBe('failed');
    expect(events.filter((e) => e.type === Events.PLUGIN_ERROR)).toHaveLength(3);
    expect(events.some((e) => e.type === Events.SYSTEM_STARTUP)).toBe(true);
    await manager.shutdown();
  });

  it('with failOnError: true stops at the first broken plugin', async () => {
    const root = await mkdtemp(join(scratch, 'strict-'));
    await writePluginDir(root, 'a', echoManifest('a'));
    await writePluginDir(root, 'b', 'not toml at all = = =');
    const manager = new PluginManager({ pluginDir: root, failOnError: true, logger: captureLogger() });
    await expect(manager.initialize()).rejects.toMatchObject({ code: 'E_MANIFEST' });
    await manager.shutdown();
  });

  it('fails a plugin whose dependency failed to load, and loads the optional-dependency ones', async () => {
    const root = await mkdtemp(join(scratch, 'chain-'));
    await writePluginDir(root, 'base', echoManifest('base', '', '1.0.0', ['Hook = "missing_export"']));
    await writePluginDir(root, 'top', echoManifest('top', '[[dependencies]]\nplugin_id = "base"'));
    await writePluginDir(root, 'soft', echoManifest('soft', '[[dependencies]]\nplugin_id = "base"\noptional = true\n[[dependencies]]\nplugin_id = "absent"\noptional = true'));
    const manager = new PluginManager({ pluginDir: root, logger: captureLogger() });
    const { loaded, failed } = await manager.initialize();
    expect(loaded).toEqual(['soft']);
    expect(failed.map((f) => [f.id, f.error?.code])).toEqual([
      ['base', 'E_EXPORT'],
      ['top', 'E_DEPENDENCY'],
    ]);
    expect(failed[1]?.error?.message).toContain('"base"');
    await manager.shutdown();
  });
});

describe('JS plugins', () => {
  it('register hooks and subscriptions through their context, handle commands, and are cleaned up on unload', async () => {
    const calls: string[] = [];
    const plugin: Plugin = {
      metadata: { id: 'native', name: 'Native', version: '2.0.0', capabilities: [{ Command: 'greet' }] },
      initialize(ctx) {
        ctx.hooks.register(Hooks.BEFORE_RENDER, (page: { title: string }) => ({ ...page, title: page.title.toUpperCase() }), { priority: 5 });
        ctx.events.subscribe('content.*', (e) => {
          calls.push(`event:${e.type}`);
        });
      },
      handleCommand(name, args) {
        return { greeting: `hello ${(args as { who: string }).who}`, name };
      },
      shutdown() {
        calls.push('shutdown');
      },
    };
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({ plugin });
    await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { title: 'abc' })).resolves.toEqual({ title: 'ABC' });
    await manager.events.publish({ type: Events.CONTENT_CREATED, data: {} });
    await expect(manager.command('native', 'greet', { who: 'ada' })).resolves.toEqual({ greeting: 'hello ada', name: 'greet' });
    await expect(manager.command('native', 'other')).rejects.toMatchObject({ code: 'E_NOT_IMPLEMENTED', pluginId: 'native' });
    await manager.unload('native');
    await manager.events.publish({ type: Events.CONTENT_CREATED, data: {} });
    await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { title: 'abc' })).resolves.toEqual({ title: 'abc' });
    expect(calls).toEqual(['event:content.created', 'shutdown']);
    expect(manager.hooks.describe(Hooks.BEFORE_RENDER)).toEqual([]);
  });

  it('publishes with its own id as source', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    const events = recordEvents(manager);
    await manager.load({
      plugin: {
        metadata: { id: 'pub', name: 'Publisher', version: '1.0.0' },
        async initialize(ctx) {
          await ctx.events.publish({ type: 'content.updated', data: { n: 1 } });
        },
      },
    });
    expect(events.find((e) => e.type === 'content.updated')?.source).toBe('pub');
    await manager.shutdown();
  });
});

describe('commands, unload, reload, shutdown', () => {
  it('routes declared commands to handle_command and refuses undeclared or unknown ones', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({ manifest: echoManifest('cmd', '', '1.0.0', ['Command = "reindex"']), wasm: echoWasm });
    // The echo plugin returns its input: the ABI's { command, args } envelope.
    await expect(manager.command('cmd', 'reindex', { all: true })).resolves.toEqual({ command: 'reindex', args: { all: true } });
    await expect(manager.command('cmd', 'drop')).rejects.toMatchObject({ code: 'E_NOT_IMPLEMENTED', pluginId: 'cmd' });
    await expect(manager.command('nobody', 'reindex')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await manager.shutdown();
  });

  it('refuses to unload a plugin others require unless cascading', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({ manifest: echoManifest('core'), wasm: echoWasm });
    await manager.load({ manifest: echoManifest('child', '[[dependencies]]\nplugin_id = "core"'), wasm: echoWasm });
    await expect(manager.unload('core')).rejects.toMatchObject({ code: 'E_DEPENDENCY', pluginId: 'core' });
    await manager.unload('core', { cascade: true });
    expect(manager.plugins()).toEqual([]);
    await manager.shutdown();
  });

  it('refuses a dependency that is not loaded at load time', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await expect(manager.load({ manifest: echoManifest('child', '[[dependencies]]\nplugin_id = "core"'), wasm: echoWasm })).rejects.toMatchObject({
      code: 'E_DEPENDENCY',
      pluginId: 'child',
    });
    await manager.shutdown();
  });

  it('reloads from the original source or a new one, and keeps the old version when the new one fails', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    const events = recordEvents(manager);
    await manager.load({ manifest: echoManifest('live', '', '1.0.0'), wasm: echoWasm });
    await manager.reload('live');
    expect(manager.plugins()[0]?.metadata?.version).toBe('1.0.0');
    await manager.reload('live', { manifest: echoManifest('live', '', '1.1.0'), wasm: echoWasm });
    expect(manager.plugins()[0]?.metadata?.version).toBe('1.1.0');
    await expect(manager.reload('live', { manifest: echoManifest('live', '', '1.2.0'), wasm: new Uint8Array([0, 1, 2]) })).rejects.toMatchObject({ code: 'E_WASM' });
    expect(manager.plugins()[0]).toMatchObject({ state: 'active', metadata: { version: '1.1.0' } });
    await expect(manager.hooks.execute('transform_data', { still: 'works' })).resolves.toEqual({ still: 'works' });
    expect(manager.hooks.describe('transform_data')).toHaveLength(1);
    expect(events.filter((e) => e.type === Events.PLUGIN_LOADED)).toHaveLength(3);
    await manager.shutdown();
  });

  it('shuts down every plugin and then refuses work with E_CLOSED', async () => {
    const shut: string[] = [];
    const manager = new PluginManager({ logger: captureLogger() });
    for (const id of ['one', 'two']) {
      await manager.load({ plugin: { metadata: { id, name: id, version: '1.0.0' }, shutdown: () => void shut.push(id) } });
    }
    await manager.shutdown();
    expect(shut).toEqual(['two', 'one']);
    expect(manager.plugins()).toEqual([]);
    expect(() => manager.hooks.register('x', () => undefined)).toThrow(PluginError);
    await expect(manager.hooks.execute('x', 1)).rejects.toMatchObject({ code: 'E_CLOSED' });
    await expect(manager.load({ manifest: echoManifest('late'), wasm: echoWasm })).rejects.toMatchObject({ code: 'E_CLOSED' });
    await manager.shutdown(); // twice is fine
  });
});

describe('WASM calls at volume', () => {
  it('keeps working over 100,000 hook calls on one instance', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({ manifest: echoManifest('many'), wasm: echoWasm });
    let wrong = 0;
    for (let i = 0; i < 100_000; i++) {
      const out = (await manager.hooks.execute(Hooks.TRANSFORM_DATA, { i })) as { i: number };
      if (out.i !== i) wrong++;
    }
    expect(wrong).toBe(0);
    expect(manager.stats('many')).toMatchObject({ faults: 0, restarts: 0 });
    expect(manager.stats('many').calls).toBe(100_001); // + initialize
    await manager.shutdown();
  }, 120_000);

  it('gives each of 1,000 concurrent execute calls its own result', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({ manifest: echoManifest('busy'), wasm: echoWasm });
    const inputs = Array.from({ length: 1000 }, (_, i) => ({ i, pad: 'x'.repeat(i % 37) }));
    const outputs = await Promise.all(inputs.map((input) => manager.hooks.execute(Hooks.TRANSFORM_DATA, input)));
    expect(outputs).toEqual(inputs);
    await manager.shutdown();
  });
});
