/**
 * A Go plugin on our Go SDK (sdk/go over go-pdk; test/fixtures/go/sdk, built from source by the
 * test setup): a typed filter with the plugin's config, an event published with reed.Publish, a
 * command, through the real PluginManager inline (WASI plugins run inline).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hooks, PluginManager, type PluginEvent } from '@reedcms/plugins';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger, type CapturingLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';
import { nativeSkipReason } from '../support/native-fixtures.ts';
import { expectNeighbourHealthy, loadNeighbour } from '../support/neighbour.ts';

const skip = nativeSkipReason('go-sdk');
const MANIFEST = manifestToml('gosdk', ['Hook = "transform_data"', 'Hook = "after_save"', 'Command = "ping"', 'Event = "content.*"']);

describe.skipIf(skip !== undefined)('a Go plugin on sdk/go', () => {
  let manager: PluginManager;
  let logger: CapturingLogger;

  beforeAll(async () => {
    logger = captureLogger();
    manager = new PluginManager({ limits: { fuel: 50_000_000 }, logger, plugins: { gosdk: { suffix: '?' } } });
    await loadNeighbour(manager);
    await manager.load({ manifest: MANIFEST, wasm: await readFixture('go-sdk') });
  });
  afterAll(async () => {
    await manager.shutdown();
  });

  it('a typed filter reads its config and logs through the SDK', async () => {
    logger.lines.length = 0;
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, { title: 'héllo' }, { errorPolicy: 'fail' })).resolves.toEqual({ title: 'HÉLLO?' });
    expect(logger.lines).toContainEqual(['info', '[gosdk] go sdk: héllo']);
    await expectNeighbourHealthy(manager);
  });

  it('reed.Publish delivers an event from the plugin, with its call', async () => {
    const seen: PluginEvent[] = [];
    const off = manager.events.subscribe('content.indexed', (e) => seen.push(e));
    await manager.hooks.execute(Hooks.AFTER_SAVE, { id: 7 }, { errorPolicy: 'fail' });
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    off();
    expect(seen).toEqual([expect.objectContaining({ type: 'content.indexed', source: 'gosdk', data: { id: 7 }, call: expect.stringMatching(/^gosdk#\d+$/) })]);
  });

  it('reed.Command answers a command; bad input is a typed E_GUEST', async () => {
    await expect(manager.command('gosdk', 'ping', { n: 1 })).resolves.toEqual({ command: 'ping', args: { n: 1 } });
    await expect(manager.hooks.execute(Hooks.TRANSFORM_DATA, 'not a page', { errorPolicy: 'fail' })).rejects.toMatchObject({
      code: 'E_GUEST',
      pluginId: 'gosdk',
      message: expect.stringContaining('not the expected JSON'),
    });
    await expectNeighbourHealthy(manager);
  });
});
