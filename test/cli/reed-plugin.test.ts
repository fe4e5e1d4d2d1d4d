/**
 * The `reed-plugin` binary as an author gets it: the package from `npm pack`, unpacked into a
 * scratch project (dependencies resolve by walking up to this repository's node_modules: no
 * network), then `init` → `build` → `npm test` → `npm run run` on a fresh plugin, each error
 * path with its message and exit code, and the same binary under Deno.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/build-assemblyscript.ts';

const SCRATCH = join(REPO_ROOT, 'build', 'cli-test');
const INSTALLED = join(SCRATCH, 'node_modules', '@reedcms', 'plugins');
const CLI = join(INSTALLED, 'dist', 'cli', 'main.js');
const PLUGIN = join(SCRATCH, 'hello');
const repoBin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function exec(command: string, args: string[], cwd: string, input?: string): Result {
  const r = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    input,
    timeout: 120_000,
    // The scratch project's .bin first, as npm would put it after `npm i @reedcms/plugins`.
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', PATH: `${join(SCRATCH, 'node_modules', '.bin')}:${process.env['PATH'] ?? ''}` },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cli = (args: string[], cwd = SCRATCH, input?: string) => exec('node', [CLI, ...args], cwd, input);
const json = (r: Result) => JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, any>;

beforeAll(() => {
  rmSync(SCRATCH, { recursive: true, force: true });
  mkdirSync(INSTALLED, { recursive: true });
  spawnSync(repoBin('tsc'), ['-p', 'tsconfig.build.json'], { cwd: REPO_ROOT });
  const packed = JSON.parse(exec('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', SCRATCH], REPO_ROOT).stdout) as Array<{ filename: string }>;
  exec('tar', ['-xzf', join(SCRATCH, packed[0]!.filename), '-C', INSTALLED, '--strip-components=1'], SCRATCH);
  writeFileSync(join(SCRATCH, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  // What npm does for a dependency's `bin`.
  mkdirSync(join(SCRATCH, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(CLI, join(SCRATCH, 'node_modules', '.bin', 'reed-plugin'));
  chmodSync(CLI, 0o755);
}, 180_000);

describe('reed-plugin, from init to run', () => {
  it('init scaffolds a plugin and refuses a non-empty folder', () => {
    const r = cli(['init', 'hello', '--json']);
    expect(r.status).toBe(0);
    expect(json(r)).toMatchObject({ ok: true, id: 'hello', hook: 'after_render' });
    for (const file of ['plugin.toml', 'assembly/index.ts', 'test/plugin.test.ts', 'package.json', 'README.md']) expect(readFileSync(join(PLUGIN, file), 'utf8').length).toBeGreaterThan(0);
    const again = cli(['init', 'hello']);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('is not empty');
  });

  it('build compiles with the SDK by package name, checks, and reports the module', () => {
    const r = cli(['build', '--json'], PLUGIN);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const out = json(r);
    expect(out).toMatchObject({ ok: true, built: true, plugin: { id: 'hello' }, findings: [] });
    expect(out['module'].exports).toContain('hook_after_render (function)');
    expect(out['module'].instrumentedBytes).toBeGreaterThan(out['module'].bytes);
  });

  it('build --watch rebuilds on a change, with a line per build', async () => {
    const child = spawn('node', [CLI, 'build', PLUGIN, '--watch'], { cwd: SCRATCH, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => void (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (err += chunk.toString()));
    const builds = () => out.split('\n').filter((l) => l.startsWith('✓ built')).length;
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 600 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    };
    try {
      // Watching starts once the first build and its check are done.
      await until(() => err.includes('watching'));
      expect(builds()).toBe(1);
      const source = join(PLUGIN, 'assembly', 'index.ts');
      writeFileSync(source, `${readFileSync(source, 'utf8')}\n// touched\n`);
      await until(() => builds() >= 2);
      expect(builds()).toBeGreaterThanOrEqual(2);
    } finally {
      child.kill();
    }
  }, 120_000);

  it("the scaffold's own test passes (npm test: build, then vitest on the test host)", () => {
    const r = exec('npm', ['test'], PLUGIN);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2 passed/);
  });

  it('run prints the output, logs, fuel and time; --json carries the same', () => {
    const human = exec('npm', ['run', 'run'], PLUGIN);
    expect(human.status, human.stdout + human.stderr).toBe(0);
    expect(human.stdout).toContain('"title":"Hello ✓"');
    expect(human.stdout).toMatch(/log: +\[info\] title updated/);
    expect(human.stdout).toMatch(/fuel: +[\d,]+ of 20,000,000/);
    expect(human.stdout).toMatch(/memory: +[\d.]+ KiB \(peak [\d.]+ KiB\) of 64 MiB/);
    const r = cli(
      ['run', '.', 'after_render', '--input', '-', '--config', 'cfg.json', '--json', '--repeat', '3'].filter((a) => a !== '--config' && a !== 'cfg.json'),
      PLUGIN,
      '{"title":"Hi"}',
    );
    const out = json(r);
    expect(out).toMatchObject({ ok: true, output: { title: 'Hi ✓' }, error: null, logs: [{ level: 'info', message: 'title updated' }], repeat: { runs: 3 } });
    expect(out['fuel'].used).toBeGreaterThan(0);
    expect(out['fuel'].budget).toBe(20_000_000);
    const profiled = cli(['run', '.', 'after_render', '--input', 'test/input.json', '--profile'], PLUGIN);
    expect(profiled.status, profiled.stdout + profiled.stderr).toBe(0);
    expect(profiled.stdout).toMatch(/profile: +fuel by function \(self\), most first\n +[\d,]+ +[\d.]+% +\d+× +\S+/);
    const listed = json(cli(['run', '.', 'after_render', '--input', 'test/input.json', '--profile', '--json'], PLUGIN))['profile'] as { function: string; fuel: number; calls: number }[];
    expect(listed.find((e) => e.function.endsWith('hook_after_render'))).toMatchObject({ calls: 1 });
    expect(listed.reduce((sum, e) => sum + e.fuel, 0)).toBeGreaterThan(0);
  });

  it('check and inspect report a healthy plugin', () => {
    expect(cli(['check', 'hello']).status).toBe(0);
    const r = cli(['inspect', join(PLUGIN, 'plugin.wasm'), '--json']);
    expect(r.status).toBe(0);
    expect(json(r)).toMatchObject({ ok: true, memory: { imported: false }, instrumentation: { ok: true } });
  });

  it('runs the same binary under Deno: init, build, check, run', () => {
    const deno = (args: string[]) => exec(repoBin('deno'), ['run', '-A', CLI, ...args], SCRATCH);
    expect(deno(['init', 'deno-hello', '--json']).status).toBe(0);
    const built = deno(['build', 'deno-hello', '--json']);
    expect(built.status, built.stdout + built.stderr).toBe(0);
    expect(json(built)).toMatchObject({ ok: true, built: true, plugin: { id: 'deno-hello' } });
    expect(deno(['check', 'deno-hello']).status).toBe(0);
    const r = deno(['run', join(SCRATCH, 'deno-hello'), 'after_render', '--input', join(PLUGIN, 'test', 'input.json'), '--json']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ ok: true, output: { title: 'Hello ✓' } });
  });
});

describe('the test host under other test runners', () => {
  // The scaffolded plugin, built by the tests above, tested with node:test and Deno's runner.
  const TEST = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestHost } from '@reedcms/plugins/testing';
test('appends the suffix', async () => {
  const host = await createTestHost({ dir: ${JSON.stringify(PLUGIN)}, config: { suffix: '?' } });
  try {
    const r = await host.run('after_render', { title: 'Hi' });
    assert.equal(r.error, undefined);
    assert.deepEqual(r.output, { title: 'Hi?' });
    assert.ok(r.fuel > 0);
  } finally {
    await host.close();
  }
});
`;

  it('node:test', () => {
    writeFileSync(join(SCRATCH, 'host.node-test.mjs'), TEST);
    const r = exec('node', ['--test', 'host.node-test.mjs'], SCRATCH);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/# pass 1/);
  });

  it("Deno's test runner", () => {
    writeFileSync(join(SCRATCH, 'host.deno-test.mjs'), TEST.replace("import { test } from 'node:test';", 'const test = (name, fn) => Deno.test(name, fn);'));
    const r = exec(repoBin('deno'), ['test', '-A', '--no-check', 'host.deno-test.mjs'], SCRATCH);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok \| 1 passed/);
  });
});

describe('TypeScript users of the package', () => {
  it('typecheck the virtual module (vite/client types) and subscribers returning values', () => {
    mkdirSync(join(SCRATCH, 'ts-user'), { recursive: true });
    writeFileSync(
      join(SCRATCH, 'ts-user', 'app.ts'),
      `/// <reference types="@reedcms/plugins/vite/client" />
import plugins from 'virtual:reed-plugins';
import { PluginManager, type PluginEvent } from '@reedcms/plugins';
const seen: PluginEvent[] = [];
const manager = new PluginManager({ sources: plugins });
manager.events.subscribe('content.*', (e) => seen.push(e));
manager.events.subscribe((e) => seen.push(e));
export const first: string | undefined = plugins[0]?.id;
`,
    );
    writeFileSync(
      join(SCRATCH, 'ts-user', 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, module: 'ESNext', moduleResolution: 'Bundler', target: 'ES2022', lib: ['ES2023', 'DOM'], types: [], skipLibCheck: true },
        files: ['app.ts'],
      }),
    );
    const r = exec(repoBin('tsc'), ['-p', 'tsconfig.json'], join(SCRATCH, 'ts-user'));
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});

describe('reed-plugin error paths', () => {
  /** A copy of the scaffold with one file changed, built. */
  function variant(name: string, edit: (files: { manifest: string; source: string }) => { manifest?: string; source?: string }): string {
    const dir = join(SCRATCH, name);
    expect(cli(['init', name]).status).toBe(0);
    const manifest = readFileSync(join(dir, 'plugin.toml'), 'utf8');
    const source = readFileSync(join(dir, 'assembly', 'index.ts'), 'utf8');
    const changed = edit({ manifest, source });
    if (changed.manifest !== undefined) writeFileSync(join(dir, 'plugin.toml'), changed.manifest);
    if (changed.source !== undefined) writeFileSync(join(dir, 'assembly', 'index.ts'), changed.source);
    return dir;
  }

  it('a manifest with two misspelled keys: both reported with their paths, exit 1', () => {
    const dir = variant('bad-manifest', ({ manifest }) => ({ manifest: manifest.replace('capabilities', 'capabilites').replace('description', 'descripton') }));
    const r = cli(['check', dir, '--json']);
    expect(r.status).toBe(1);
    const paths = (json(r)['findings'] as { code: string; path?: string }[]).filter((f) => f.code === 'E_MANIFEST').map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['capabilites', 'descripton']));
    expect(json(r)['findings']).toContainEqual(expect.objectContaining({ path: 'capabilites', message: expect.stringContaining('did you mean "capabilities"') }));
  });

  it('a hook name one letter off a built-in: a did-you-mean warning, still exit 0', () => {
    const dir = variant('hook-typo', ({ manifest }) => ({ manifest: manifest.replace('{ Hook = "after_render" }', '{ Hook = "after_rendr" }') }));
    writeFileSync(join(dir, 'assembly', 'index.ts'), readFileSync(join(dir, 'assembly', 'index.ts'), 'utf8').replace('hook_after_render', 'hook_after_rendr'));
    const r = cli(['build', dir, '--json']);
    expect(r.status, r.stdout).toBe(0);
    expect(json(r)['findings']).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringContaining('did you mean "after_render"') })]);
  });

  it('a declared hook without its export: E_EXPORT, exit 1', () => {
    const dir = variant('missing-export', ({ manifest }) => ({ manifest: manifest.replace('{ Hook = "after_render" }', '{ Hook = "after_render" }, { Hook = "before_save" }') }));
    const r = cli(['build', dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/E_EXPORT missing export hook_before_save \(for Hook "before_save"\)/);
  });

  it('Math.random (an env.seed import): E_LINK with the fix, exit 1', () => {
    const dir = variant('random', ({ source }) => ({ source: source.replace('data.getString("title") + suffix', 'data.getString("title") + suffix + Math.random().toString()') }));
    const r = cli(['build', dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/E_LINK imports env\.seed .*Math\.random is not available in plugins/);
  });

  it('a type error: the compiler diagnostics with file and line, exit 1', () => {
    const dir = variant('type-error', ({ source }) => ({ source: source.replace('let suffix = " ✓";', 'let suffix: i32 = " ✓";') }));
    const r = cli(['build', dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/assembly\/index\.ts\(\d+,\d+\)/);
  });

  it('an endless loop ends with E_FUEL, a trap with E_TRAP, each exit 1', () => {
    const loop = variant('endless', ({ source }) => ({ source: source.replace('const r = Input.json();', 'while (suffix.length > 0) suffix = suffix + "";\n  const r = Input.json();') }));
    expect(cli(['build', loop]).status).toBe(0);
    const r = cli(['run', loop, 'after_render', '--json', '--fuel', '200000']);
    expect(r.status).toBe(1);
    expect(json(r)['error']).toMatchObject({ code: 'E_FUEL', limit: { name: 'fuel', value: 200_000 } });
    const trap = variant('trap', ({ source }) => ({ source: source.replace('const r = Input.json();', 'unreachable();\n  const r = Input.json();') }));
    expect(cli(['build', trap]).status).toBe(0);
    const t = cli(['run', trap, 'after_render']);
    expect(t.status).toBe(1);
    expect(t.stdout).toMatch(/error: +E_TRAP/);
  });

  it('an input file that is not JSON, an unknown option, an unknown command: exit 2', () => {
    writeFileSync(join(SCRATCH, 'bad.json'), '{ not json');
    const r = cli(['run', PLUGIN, 'after_render', '--input', join(SCRATCH, 'bad.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--input: .*bad\.json is not valid JSON/);
    expect(cli(['run', PLUGIN, 'after_render', '--fuell', '5']).status).toBe(2);
    expect(cli(['frobnicate']).status).toBe(2);
    expect(cli(['run', '--help']).stdout).toContain('Usage: reed-plugin run');
  });
});
