/**
 * Importing the package on Node prints nothing: Extism's Node build imports `node:wasi`, whose
 * load prints "ExperimentalWarning: WASI is an experimental feature"; the Node entry loads
 * Extism lazily with exactly that warning dropped. Run in a fresh Node process (the warning is
 * printed once per process), through tsx on the source entry; a plugin is loaded and called so
 * Extism really is loaded, and a warning of the process's own still gets through.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../support/fixtures.ts';
import { REPO_ROOT } from '../../scripts/lib/build-assemblyscript.ts';

const SCRIPT = (entry: string, wasm: string) => `
import { readFile } from 'node:fs/promises';
const { PluginManager } = await import(${JSON.stringify(entry)});
const manager = new PluginManager({ logger: { debug() {}, info() {}, warn() {}, error() {} } });
await manager.load({ manifest: 'id = "echo"\\nname = "e"\\nversion = "1.0.0"\\ncapabilities = [{ Hook = "transform_data" }]\\n', wasm: new Uint8Array(await readFile(${JSON.stringify(wasm)})) });
const out = await manager.hooks.execute('transform_data', { ok: true });
await manager.shutdown();
process.emitWarning('a warning of the host application', 'UserWarning');
console.log(JSON.stringify(out));
`;

describe('quiet import on Node', () => {
  it('importing the package and running a plugin prints no WASI warning; other warnings still print', async () => {
    const dir = join(REPO_ROOT, 'build', 'quiet-import');
    await mkdir(dir, { recursive: true });
    const script = join(dir, 'run.mjs');
    await writeFile(script, SCRIPT(pathToFileURL(join(REPO_ROOT, 'src', 'node.ts')).href, fixturePath('echo')));
    const result = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('{"ok":true}');
    expect(result.stderr).not.toMatch(/WASI|ExperimentalWarning/);
    expect(result.stderr).toMatch(/UserWarning: a warning of the host application/);
  });
});
