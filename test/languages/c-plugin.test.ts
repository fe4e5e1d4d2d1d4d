/**
 * A C plugin (test/fixtures/c/plugin.c on sdk/c/reed.h and wasi-libc, built from source by the
 * test setup with Debian's clang) through the real PluginManager: a filter hook, a command,
 * printf to stdout and stderr as log lines, log_info, config and time(); the hostile commands
 * (malloc bomb, stack bomb) end with their limit while a neighbour goes on, inline and in the
 * plugin's own worker.
 */
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hooks, PluginManager, type PluginError } from '@reedcms/plugins';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger, type CapturingLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';
import { nativeSkipReason } from '../support/native-fixtures.ts';
import { REPO_ROOT } from '../../scripts/lib/build-assemblyscript.ts';

const skip = nativeSkipReason('c-plugin');
const LIMITS = { fuel: 20_000_000, memoryBytes: 16 * 1024 * 1024, maxCallDepth: 1_000, timeoutMs: 10_000 };
const MANIFEST = manifestToml('cplug', ['Hook = "before_render"', 'Command = "greet"', 'Command = "malloc-bomb"', 'Command = "stack-bomb"', 'Command = "exit"', 'Command = "exit-3"']);

async function withNeighbour(manager: PluginManager): Promise<() => Promise<void>> {
  await manager.load({ manifest: manifestToml('good', ['Hook = "transform_data"']), wasm: await readFixture('echo') });
  return async () => {
    const data = { still: 'fine ✓', n: Math.random() };
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, data, { errorPolicy: 'fail' })).resolves.toEqual(data);
  };
}

describe.skipIf(skip !== undefined)('C plugin, inline isolation', () => {
  let manager: PluginManager;
  let logger: CapturingLogger;
  let expectNeighbourHealthy: () => Promise<void>;

  beforeAll(async () => {
    logger = captureLogger();
    manager = new PluginManager({ limits: LIMITS, logger, deterministic: true, plugins: { cplug: { suffix: '?!' } } });
    expectNeighbourHealthy = await withNeighbour(manager);
    await manager.load({ manifest: MANIFEST, wasm: await readFixture('c-plugin') });
  });
  afterAll(async () => {
    await manager.shutdown();
  });

  it('runs a filter hook with config and time() (the deterministic clock: 2024), printf becoming an info line', async () => {
    logger.lines.length = 0;
    await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { title: 'hello' }, { errorPolicy: 'fail' })).resolves.toEqual({ title: 'HELLO?!', year: 2024 });
    expect(logger.lines).toEqual([['info', '[cplug] c: shouted HELLO']]);
  });

  it('runs a command; log_info, stderr (warn) and a partial stdout line (flushed at the end of the call) reach the log', async () => {
    logger.lines.length = 0;
    await expect(manager.command('cplug', 'greet', {})).resolves.toEqual({ greeting: 'hello from C' });
    expect(logger.lines).toEqual([
      ['info', '[cplug] c: greet via log_info'],
      ['warn', '[cplug] c: a warning on stderr'],
      ['info', '[cplug] c: partial line without a newline'],
    ]);
  });

  it('exit(0) ends the command with its output; exit(3) with E_GUEST naming the code', async () => {
    await expect(manager.command('cplug', 'exit', {})).resolves.toEqual({ exited: true });
    await expect(manager.command('cplug', 'exit-3', {})).rejects.toMatchObject({ code: 'E_GUEST', pluginId: 'cplug', message: expect.stringContaining('exited with code 3') });
    await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { title: 'again' }, { errorPolicy: 'fail' })).resolves.toEqual({ title: 'AGAIN?!', year: 2024 });
  });

  const HOSTILE = [
    { command: 'malloc-bomb', code: 'E_MEMORY', limit: { name: 'memoryBytes', value: LIMITS.memoryBytes } },
    { command: 'stack-bomb', code: 'E_STACK', limit: { name: 'maxCallDepth', value: LIMITS.maxCallDepth } },
  ];
  for (const h of HOSTILE) {
    it(`${h.command} ends with ${h.code}, twice (the instance is replaced), and the neighbour is unaffected`, async () => {
      for (let attempt = 0; attempt < 2; attempt++) {
        const error = (await manager.command('cplug', h.command, {}).catch((e: unknown) => e)) as PluginError & { limit?: unknown };
        expect(error).toMatchObject({ code: h.code, pluginId: 'cplug', operation: 'handle_command' });
        expect(error.limit).toEqual(h.limit);
        await expectNeighbourHealthy();
      }
      // The plugin itself recovers on a fresh instance.
      await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { title: 'after' }, { errorPolicy: 'fail' })).resolves.toEqual({ title: 'AFTER?!', year: 2024 });
    });
  }
});

const FILE_COMMANDS = ['read', 'read-outside', 'list', 'write-file', 'open-many'].map((c) => `Command = "${c}"`);
const filesManifest = (mode: 'ro' | 'rw') => manifestToml('cfiles', FILE_COMMANDS, `[limits]\nmax_file_handles = 5\n[filesystem]\nmounts = [{ path = "/data", mode = "${mode}" }]`);

describe.skipIf(skip !== undefined)('C plugin reading files from mounts, inline isolation', () => {
  const run = async (config: ConstructorParameters<typeof PluginManager>[0], mode: 'ro' | 'rw', body: (m: PluginManager) => Promise<void>) => {
    const manager = new PluginManager({ limits: LIMITS, logger: captureLogger(), ...config });
    try {
      const expectNeighbourHealthy = await withNeighbour(manager);
      await manager.load({ manifest: filesManifest(mode), wasm: await readFixture('c-plugin') });
      await body(manager);
      await expectNeighbourHealthy();
    } finally {
      await manager.shutdown();
    }
  };
  const memory = (mode: 'ro' | 'rw') => ({ filesystem: { cfiles: { '/data': { files: { 'hello.txt': 'hello from the host', 'posts/a.md': '# A' }, mode } } } });

  it('reads a file and lists a directory of an in-memory mount through libc', () =>
    run(memory('ro'), 'ro', async (m) => {
      await expect(m.command('cfiles', 'read', {})).resolves.toEqual({ text: 'hello from the host' });
      await expect(m.command('cfiles', 'list', {})).resolves.toEqual(['hello.txt', 'posts']);
    }));

  it('refuses a path leaving the mount with ENOTCAPABLE (the call goes on), and writes to a read-only mount', () =>
    run(memory('rw'), 'ro', async (m) => {
      await expect(m.command('cfiles', 'read-outside', {})).resolves.toEqual({ opened: false, error: 'Capabilities insufficient' });
      // The host granted rw, the manifest asked for ro: read-only.
      await expect(m.command('cfiles', 'write-file', {})).resolves.toEqual({ written: false, error: 'Capabilities insufficient' });
    }));

  it('writes to a mount both sides made rw', async () => {
    const config = memory('rw');
    await run(config, 'rw', async (m) => {
      await expect(m.command('cfiles', 'write-file', {})).resolves.toEqual({ written: true });
      await expect(m.command('cfiles', 'list', {})).resolves.toEqual(['hello.txt', 'out.txt', 'posts']);
    });
  });

  it('bounds open files by maxFileHandles (EMFILE)', () =>
    run(memory('ro'), 'ro', async (m) => {
      await expect(m.command('cfiles', 'open-many', {})).resolves.toEqual({ opened: 5, error: 'No file descriptors available' });
    }));

  it('has no /data at all when the host grants nothing (libc finds no preopen: ENOTCAPABLE)', () =>
    run({}, 'ro', async (m) => {
      await expect(m.command('cfiles', 'read', {})).rejects.toMatchObject({ code: 'E_GUEST', pluginId: 'cfiles', message: expect.stringContaining('Capabilities insufficient') });
    }));

  it('mounts a real directory read-only on Node; a symlink out of it is refused', async () => {
    const root = join(REPO_ROOT, 'build', 'wasi-mount-test');
    await rm(root, { recursive: true, force: true });
    await mkdir(join(root, 'data'), { recursive: true });
    await mkdir(join(root, 'linked'), { recursive: true });
    await writeFile(join(root, 'data', 'hello.txt'), 'hello from disk');
    await writeFile(join(root, 'secret.txt'), 'not for plugins');
    await symlink(join(root, 'secret.txt'), join(root, 'linked', 'hello.txt'));
    await run({ filesystem: { cfiles: { '/data': { dir: join(root, 'data') } } } }, 'ro', async (m) => {
      await expect(m.command('cfiles', 'read', {})).resolves.toEqual({ text: 'hello from disk' });
      await expect(m.command('cfiles', 'read-outside', {})).resolves.toMatchObject({ opened: false });
    });
    await run({ filesystem: { cfiles: { '/data': { dir: join(root, 'linked') } } } }, 'ro', async (m) => {
      await expect(m.command('cfiles', 'read', {})).rejects.toMatchObject({ code: 'E_GUEST', pluginId: 'cfiles', message: expect.stringContaining('No such file or directory') });
    });
  });
});

describe.skipIf(skip !== undefined)('C plugin, worker isolation (its own worker)', () => {
  let manager: PluginManager;
  let expectNeighbourHealthy: () => Promise<void>;

  beforeAll(async () => {
    manager = new PluginManager({ isolation: 'worker', limits: LIMITS, logger: captureLogger(), deterministic: true, plugins: { cplug: { suffix: '?!' } } });
    expectNeighbourHealthy = await withNeighbour(manager);
    await manager.load({ manifest: MANIFEST, wasm: await readFixture('c-plugin') });
  });
  afterAll(async () => {
    await manager.shutdown();
  });

  it('runs the filter hook, and proc_exit ends a call as inline', async () => {
    await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { title: 'hi' }, { errorPolicy: 'fail' })).resolves.toEqual({ title: 'HI?!', year: 2024 });
    await expect(manager.command('cplug', 'exit', {})).resolves.toEqual({ exited: true });
    await expect(manager.command('cplug', 'exit-3', {})).rejects.toMatchObject({ code: 'E_GUEST', pluginId: 'cplug', message: expect.stringContaining('exited with code 3') });
  });

  const HOSTILE = [
    { command: 'malloc-bomb', code: 'E_MEMORY' },
    { command: 'stack-bomb', code: 'E_STACK' },
  ];
  for (const h of HOSTILE) {
    it(`${h.command} ends with ${h.code}, and the neighbour and the plugin go on`, async () => {
      await expect(manager.command('cplug', h.command, {})).rejects.toMatchObject({ code: h.code, pluginId: 'cplug', operation: 'handle_command' });
      await expectNeighbourHealthy();
      await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { title: 'after' }, { errorPolicy: 'fail' })).resolves.toEqual({ title: 'AFTER?!', year: 2024 });
    });
  }
});
