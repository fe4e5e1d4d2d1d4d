/**
 * The published package, as users get it: `npm run build`, `npm pack`, the tarball unpacked into
 * a scratch project's node_modules, then imported by name (no alias) on Node, Deno, and through
 * Vite builds with the workerd and browser conditions; the workerd bundle is served by workerd
 * and loads a plugin. This is what proves the `exports` conditions pick the right entry.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/build-assemblyscript.ts';
import { buildWorker } from '../../examples/edge/cloudflare/build.ts';
import { fixturePath } from '../support/fixtures.ts';
import { freePort, startProcess, waitForHttp } from './support/processes.ts';

const SCRATCH = join(REPO_ROOT, 'build', 'tarball-test');
const INSTALLED = join(SCRATCH, 'node_modules', '@reedcms', 'plugins');
const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

describe('the npm tarball in a scratch project', () => {
  beforeAll(() => {
    rmSync(SCRATCH, { recursive: true, force: true });
    mkdirSync(INSTALLED, { recursive: true });
    // Type errors are the typecheck's business; the emitted files are what ships.
    spawnSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { cwd: REPO_ROOT });
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', SCRATCH], REPO_ROOT)) as Array<{ filename: string }>;
    run('tar', ['-xzf', join(SCRATCH, packed[0]!.filename), '-C', INSTALLED, '--strip-components=1'], SCRATCH);
    // Dependencies resolve by walking up to the repository's node_modules (no network needed).
    writeFileSync(join(SCRATCH, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module', dependencies: { '@reedcms/plugins': '*' } }));
    mkdirSync(join(SCRATCH, 'plugins', 'echo'), { recursive: true });
    writeFileSync(join(SCRATCH, 'plugins', 'echo', 'plugin.toml'), 'id = "echo"\nname = "echo"\nversion = "1.0.0"\ncapabilities = [{ Hook = "transform_data" }]\n');
    cpSync(fixturePath('echo'), join(SCRATCH, 'plugins', 'echo', 'plugin.wasm'));
  }, 180_000);

  const script = `import { PluginManager, runtimeCapabilities } from '@reedcms/plugins';
const manager = new PluginManager({ pluginDir: 'plugins', logger: { debug() {}, info() {}, warn() {}, error() {} } });
await manager.initialize();
const out = await manager.hooks.execute('transform_data', { ok: 1 });
console.log(JSON.stringify({ runtime: runtimeCapabilities().runtime, out }));
await manager.shutdown();
`;

  it('Node resolves the node entry and runs a plugin from a folder', () => {
    writeFileSync(join(SCRATCH, 'main.mjs'), script);
    const line = run('node', ['--disable-warning=ExperimentalWarning', 'main.mjs'], SCRATCH).trim().split('\n').pop() as string;
    expect(JSON.parse(line)).toEqual({ runtime: 'node', out: { ok: 1 } });
  });

  it('Deno resolves the deno entry and runs a plugin from a folder', () => {
    writeFileSync(join(SCRATCH, 'main-deno.mjs'), script);
    const line = run(bin('deno'), ['run', '--allow-read', '--allow-env', 'main-deno.mjs'], SCRATCH, { DENO_NO_UPDATE_CHECK: '1' }).trim().split('\n').pop() as string;
    expect(JSON.parse(line)).toEqual({ runtime: 'deno', out: { ok: 1 } });
  });

  it('a Vite build with the browser condition bundles the browser entry', async () => {
    const { build } = await import('vite');
    writeFileSync(join(SCRATCH, 'browser.mjs'), "import { runtimeCapabilities } from '@reedcms/plugins';\nexport const name = runtimeCapabilities().runtime;\n");
    await build({
      configFile: false,
      root: SCRATCH,
      logLevel: 'silent',
      resolve: { conditions: ['browser', 'module', 'import', 'default'] },
      build: { outDir: join(SCRATCH, 'out-browser'), target: 'esnext', minify: false, lib: { entry: join(SCRATCH, 'browser.mjs'), formats: ['es'], fileName: () => 'out.js' } },
    });
    const code = readFileSync(join(SCRATCH, 'out-browser', 'out.js'), 'utf8');
    expect(code).toContain("name: 'browser'".replace(/'/g, '"'));
    expect(code).not.toMatch(/from "node:/);
  });

  it('a workerd build (workerd condition, the ./vite subpath) runs in workerd', async () => {
    const { reedPlugins } = (await import(/* @vite-ignore */ join(INSTALLED, 'dist', 'vite', 'index.js'))) as typeof import('../../src/vite/index.ts');
    expect(typeof reedPlugins).toBe('function');
    writeFileSync(
      join(SCRATCH, 'worker.mjs'),
      `import { PluginManager, runtimeCapabilities } from '@reedcms/plugins';
import plugins from 'virtual:reed-plugins';
export default { async fetch() {
  const manager = new PluginManager({ sources: plugins });
  await manager.initialize();
  const out = await manager.hooks.execute('transform_data', { edge: true });
  return Response.json({ runtime: runtimeCapabilities().runtime, out });
} };
`,
    );
    const port = await freePort();
    // No alias: '@reedcms/plugins' resolves through the unpacked package's exports.
    const config = await buildWorker({ entry: join(SCRATCH, 'worker.mjs'), outDir: join(SCRATCH, 'out-workerd'), pluginDir: join(SCRATCH, 'plugins'), packageEntry: '@reedcms/plugins' }, port);
    const server = startProcess(bin('workerd'), ['serve', config]);
    try {
      await waitForHttp(`http://127.0.0.1:${port}/`, server);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).json()).toEqual({ runtime: 'workerd', out: { edge: true } });
    } finally {
      await server.stop();
    }
  });
});
