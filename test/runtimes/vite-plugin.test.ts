/**
 * The Vite plugin on its own: a broken plugin.toml fails the build with every problem listed;
 * `compile` delivery gives `[{ id, manifest, wasm: WebAssembly.Module }]` that the manager
 * loads and limits (the memory cap is baked in); `import` delivery emits instrumented .wasm files.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { PluginManager } from '@reedcms/plugins';
import { INSTRUMENT_EXPORTS } from '@reedcms/plugins/instrument';
import { REPO_ROOT } from '../../scripts/lib/build-assemblyscript.ts';
import { reedPlugins } from '../../src/vite/index.ts';
import { readFixture } from '../support/fixtures.ts';

const ROOT = join(REPO_ROOT, 'build', 'vite-plugin-test');

async function pluginFolder(name: string, manifest: string, wasm: Uint8Array): Promise<string> {
  const dir = join(ROOT, 'plugins', name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'plugin.toml'), manifest);
  await writeFile(join(dir, 'plugin.wasm'), wasm);
  return dir;
}

async function bundle(entryCode: string, plugin: ReturnType<typeof reedPlugins>, outDir: string): Promise<string> {
  const entry = join(ROOT, `entry-${Math.random().toString(36).slice(2)}.js`);
  await writeFile(entry, entryCode);
  await build({
    configFile: false,
    logLevel: 'silent',
    plugins: [plugin],
    build: { outDir, emptyOutDir: true, target: 'esnext', minify: false, lib: { entry, formats: ['es'], fileName: () => 'out.js' } },
  });
  return join(outDir, 'out.js');
}

describe('the Vite plugin', () => {
  it('fails the build on an invalid manifest, naming every problem', async () => {
    const dir = await pluginFolder('broken', 'id = "Broken Id"\nname = "x"\nversion = "1.2"\ncapabilities = [{ Telepathy = "x" }]\n', await readFixture('echo'));
    const error = await bundle("import p from 'virtual:reed-plugins'; export default p;", reedPlugins({ plugins: [dir] }), join(ROOT, 'out-broken')).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    const message = String((error as Error).message);
    expect(message).toMatch(/E_MANIFEST|invalid plugin manifest/);
    expect(message).toContain('version');
    expect(message).toContain('Telepathy');
  });

  it("'compile' delivery: instrumented modules the manager loads and runs", async () => {
    const dir = await pluginFolder('echo', 'id = "echo"\nname = "echo"\nversion = "1.0.0"\ncapabilities = [{ Hook = "transform_data" }]\n', await readFixture('echo'));
    const limits = { fuel: 1_000_000, memoryBytes: 4 * 1024 * 1024 };
    const out = await bundle("import p from 'virtual:reed-plugins'; export default p;", reedPlugins({ plugins: [dir], limits, delivery: 'compile' }), join(ROOT, 'out-compile'));
    const { default: plugins } = (await import(/* @vite-ignore */ `${out}?t=${Date.now()}`)) as { default: Array<{ id: string; manifest: string; wasm: WebAssembly.Module }> };
    expect(plugins.map((p) => p.id)).toEqual(['echo']);
    const plugin = plugins[0]!;
    expect(plugin.wasm).toBeInstanceOf(WebAssembly.Module);
    expect(WebAssembly.Module.exports(plugin.wasm).map((e) => e.name)).toContain(INSTRUMENT_EXPORTS.fuel);
    const memory = WebAssembly.Module.exports(plugin.wasm).find((e) => e.kind === 'memory');
    expect(memory).toBeDefined();
    const manager = new PluginManager({ limits, logger: { debug() {}, info() {}, warn() {}, error() {} } });
    await manager.load(plugin);
    await expect(manager.hooks.execute('transform_data', { a: 1 })).resolves.toEqual({ a: 1 });
    await manager.shutdown();
  });

  it("'import' delivery: instrumented .wasm files imported by the bundle", async () => {
    const dir = await pluginFolder('echo', 'id = "echo"\nname = "echo"\nversion = "1.0.0"\ncapabilities = [{ Hook = "transform_data" }]\n', await readFixture('echo'));
    const outDir = join(ROOT, 'out-import');
    const out = await bundle("import p from 'virtual:reed-plugins'; export default p;", reedPlugins({ plugins: [dir], delivery: 'import' }), outDir);
    const code = await readFile(out, 'utf8');
    const files = await readdir(join(outDir, 'reed-plugins'));
    expect(files).toEqual([expect.stringMatching(/^echo-[0-9a-f]{12}\.wasm$/)]);
    expect(code).toContain(`from "./reed-plugins/${files[0]}"`);
    const bytes = await readFile(join(outDir, 'reed-plugins', files[0]!));
    const exported = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
    expect(exported).toContain(INSTRUMENT_EXPORTS.fuel);
  });
});

await rm(ROOT, { recursive: true, force: true }).catch(() => {});
