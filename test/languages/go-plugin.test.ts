/**
 * A Go plugin (test/fixtures/go/plugin on the official github.com/extism/go-pdk, pinned by its
 * go.mod/go.sum, built from source by the test setup with GOOS=wasip1 -buildmode=c-shared)
 * through the real PluginManager: a filter hook with config, a command, an event, fmt.Println
 * as log lines and pdk.Log; an endless loop ends with E_FUEL while a neighbour goes on. WASI
 * plugins run inline only: in worker isolation the load is refused with E_UNSUPPORTED.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hooks, PluginManager, type PluginError } from '@reedcms/plugins';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger, type CapturingLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';
import { nativeSkipReason } from '../support/native-fixtures.ts';

const skip = nativeSkipReason('go-plugin');
// Go's runtime initialization (_initialize) fits in 10,000,000 fuel (bulk copies cost 1 per 4 bytes).
const LIMITS = { fuel: 10_000_000, memoryBytes: 64 * 1024 * 1024, timeoutMs: 10_000 };
const MANIFEST = manifestToml('goplug', ['Hook = "before_render"', 'Command = "echo"', 'Command = "spin"', 'Command = "read"', 'Event = "content.*"'], '[filesystem]\nmounts = [{ path = "/data" }]');

async function withNeighbour(manager: PluginManager): Promise<() => Promise<void>> {
  await manager.load({ manifest: manifestToml('good', ['Hook = "transform_data"']), wasm: await readFixture('echo') });
  return async () => {
    const data = { still: 'fine ✓', n: Math.random() };
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, data, { errorPolicy: 'fail' })).resolves.toEqual(data);
  };
}

describe.skipIf(skip !== undefined)('Go plugin, inline isolation', () => {
  let manager: PluginManager;
  let logger: CapturingLogger;
  let expectNeighbourHealthy: () => Promise<void>;

  beforeAll(async () => {
    logger = captureLogger();
    manager = new PluginManager({
      limits: LIMITS,
      logger,
      plugins: { goplug: { suffix: '?' } },
      filesystem: { goplug: { '/data': { files: { 'hello.txt': 'hello, Go' } } } },
    });
    expectNeighbourHealthy = await withNeighbour(manager);
    await manager.load({ manifest: MANIFEST, wasm: await readFixture('go-plugin') });
  });
  afterAll(async () => {
    await manager.shutdown();
  });

  it('runs a filter hook with config; fmt.Println becomes an info line', async () => {
    logger.lines.length = 0;
    await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { title: 'hello' }, { errorPolicy: 'fail' })).resolves.toEqual({ title: 'HELLO?' });
    expect(logger.lines).toEqual([['info', '[goplug] go: shouting hello']]);
    expect(manager.stats('goplug').fuel.last).toBeGreaterThan(0);
  });

  it('runs a command that logs through pdk.Log (log_info)', async () => {
    logger.lines.length = 0;
    await expect(manager.command('goplug', 'echo', { a: [1, 'two'] })).resolves.toEqual({ a: [1, 'two'] });
    expect(logger.lines).toEqual([['info', '[goplug] go: echo via log_info']]);
  });

  it('reads a file from a granted mount with os.ReadFile', async () => {
    await expect(manager.command('goplug', 'read', {})).resolves.toEqual({ text: 'hello, Go' });
  });

  it('receives events (module state lives on between calls)', async () => {
    logger.lines.length = 0;
    await manager.events.publish({ type: 'content.created', data: { slug: 'a' } });
    await manager.events.publish({ type: 'content.updated', data: { slug: 'b' } });
    const lines = logger.lines.map(([level, m]) => [level, m.replace(/\{.*\}/, '{…}')]);
    expect(lines).toEqual([
      ['info', '[goplug] go: event 1: {…}'],
      ['info', '[goplug] go: event 2: {…}'],
    ]);
    expect(logger.lines[1]![1]).toContain('"type":"content.updated"');
  });

  it('an endless loop ends with E_FUEL, twice (the instance is replaced), and the neighbour is unaffected', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = (await manager.command('goplug', 'spin', {}).catch((e: unknown) => e)) as PluginError & { limit?: unknown };
      expect(error).toMatchObject({ code: 'E_FUEL', pluginId: 'goplug', operation: 'handle_command' });
      expect(error.limit).toEqual({ name: 'fuel', value: LIMITS.fuel });
      expect(manager.stats('goplug').fuel.last).toBe(LIMITS.fuel);
      await expectNeighbourHealthy();
    }
    await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, { title: 'after' }, { errorPolicy: 'fail' })).resolves.toEqual({ title: 'AFTER?' });
  });
});

describe.skipIf(skip !== undefined)('Go plugin, worker isolation', () => {
  it('is refused with E_UNSUPPORTED (WASI is served inline only), and the neighbour goes on', async () => {
    const manager = new PluginManager({ isolation: 'worker', limits: LIMITS, logger: captureLogger() });
    try {
      const expectNeighbourHealthy = await withNeighbour(manager);
      await expect(manager.load({ manifest: MANIFEST, wasm: await readFixture('go-plugin') })).rejects.toMatchObject({ code: 'E_UNSUPPORTED', pluginId: 'goplug' });
      await expectNeighbourHealthy();
    } finally {
      await manager.shutdown();
    }
  });
});
