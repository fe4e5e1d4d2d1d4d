/**
 * The direct call I/O (reed_input_size, reed_input_read, reed_output_write) through the real
 * manager and real Extism: its contract pinned by a WAT plugin, and byte-exact round trips of
 * the SDK, which takes it inline and the stock path in a worker.
 */
import { MEMORY_BYTES_SHIFT } from '../../src/instrument/constants.ts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Hooks, PluginManager } from '@reedcms/plugins';
import { compileWat } from '../support/wat.ts';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';

const CAPABILITIES = ['Hook = "transform_data"', 'Hook = "after_render"', 'Hook = "before_render"', 'Command = "size"'];

async function watFixture(name: string): Promise<Uint8Array> {
  return compileWat(await readFile(join(import.meta.dirname, `${name}.wat`), 'utf8'), `${name}.wat`);
}
const directIoWat = () => watFixture('direct-io');

let manager: PluginManager | undefined;
afterEach(async () => {
  await manager?.shutdown();
  manager = undefined;
});

describe('direct call I/O', () => {
  it('reads part of the input, refuses an out-of-bounds read with -3, and hands over exactly the bytes written (inline)', async () => {
    manager = new PluginManager({ logger: captureLogger() });
    await manager.load({ manifest: manifestToml('direct', CAPABILITIES), wasm: await directIoWat() });
    // The first 3 bytes of the JSON text 123456.
    expect(await manager.hooks.execute(Hooks.TRANSFORM_DATA, 123456, { errorPolicy: 'fail' })).toBe(123);
  });

  for (const [isolation, expected] of [
    ['inline', 8],
    ['worker', 7],
  ] as const) {
    it(`output handed over directly wins over output_set in either order; in a worker it is unavailable and changes nothing (${isolation})`, async () => {
      manager = new PluginManager({ isolation, logger: captureLogger() });
      await manager.load({ manifest: manifestToml('direct', CAPABILITIES), wasm: await directIoWat() });
      expect(await manager.hooks.execute(Hooks.AFTER_RENDER, {}, { errorPolicy: 'fail' })).toBe(expected);
      expect(await manager.hooks.execute(Hooks.BEFORE_RENDER, {}, { errorPolicy: 'fail' })).toBe(expected);
    });
  }

  for (const [isolation, expected] of [
    ['inline', 1],
    ['worker', 0],
  ] as const) {
    it(`reports the input size in UTF-8 bytes, or -1 where the host cannot reach the module's memory (${isolation})`, async () => {
      manager = new PluginManager({ isolation, logger: captureLogger() });
      await manager.load({ manifest: manifestToml('direct', CAPABILITIES), wasm: await directIoWat() });
      expect(await manager.command('direct', 'size', { text: 'héllo → 日本語 🎉' })).toBe(expected);
    });
  }

  it("the SDK takes the direct path inline: a 4 KiB echo costs less fuel than with the plugin's FastIO off", async () => {
    const fuelFor = async (config: Record<string, string>) => {
      const m = new PluginManager({ logger: captureLogger(), plugins: { echo: config } });
      try {
        await m.load({ manifest: manifestToml('echo', ['Hook = "transform_data"']), wasm: await readFixture('echo') });
        const text = 'x'.repeat(4096);
        expect(await m.hooks.execute(Hooks.TRANSFORM_DATA, { text }, { errorPolicy: 'fail' })).toEqual({ text });
        return m.stats('echo').fuel.last as number;
      } finally {
        await m.shutdown();
      }
    };
    // The stock path loops once per 8 bytes each way; the direct one makes three host calls.
    expect(await fuelFor({})).toBeLessThan(await fuelFor({ fast_io: '0' }));
  });

  for (const isolation of ['inline', 'worker'] as const) {
    it(`the SDK echoes every length from 0 to 80 bytes and around 4 KiB exactly, ASCII and not (${isolation})`, async () => {
      manager = new PluginManager({ isolation, logger: captureLogger() });
      await manager.load({ manifest: manifestToml('echo', ['Hook = "transform_data"']), wasm: await readFixture('echo') });
      const texts: string[] = [];
      for (let n = 0; n <= 80; n++) texts.push('a'.repeat(n), 'é'.repeat(n));
      for (let n = 4090; n <= 4100; n++) texts.push('x'.repeat(n), '🎉'.repeat(n >> 2));
      for (const text of texts) expect(await manager.hooks.execute(Hooks.TRANSFORM_DATA, { text }, { errorPolicy: 'fail' })).toEqual({ text });
    });
  }
});

describe('what host-side copies cost', () => {
  const hooks = [
    [Hooks.TRANSFORM_DATA, 'reed_input_read'],
    [Hooks.AFTER_RENDER, 'reed_block_read'],
    [Hooks.BEFORE_RENDER, 'reed_output_write'],
    [Hooks.BEFORE_SAVE, 'reed_block_write'],
  ] as const;
  const manifest = manifestToml(
    'copier',
    hooks.map(([hook]) => `Hook = "${hook}"`),
  );
  // JSON strings of 64 and 6,400 bytes, charged at the memory.copy rate (1 fuel per 2^MEMORY_BYTES_SHIFT bytes).
  const small = 'x'.repeat(62);
  const large = 'x'.repeat(6398);

  for (const [hook, name] of hooks) {
    it(`${name}: charged at the memory.copy rate, exactly (ten copies of 6,400 vs 64 bytes)`, async () => {
      manager = new PluginManager({ logger: captureLogger() });
      await manager.load({ manifest, wasm: await watFixture('guest-io-charges') });
      const fuelFor = async (text: string) => {
        expect(await manager!.hooks.execute(hook, text, { errorPolicy: 'fail' })).toBe(text);
        return manager!.stats('copier').fuel.last as number;
      };
      const base = await fuelFor(small);
      expect(await fuelFor(large)).toBe(base + 10 * ((6400 >>> MEMORY_BYTES_SHIFT) - (64 >>> MEMORY_BYTES_SHIFT)));
      expect(await fuelFor(small)).toBe(base);
    });
  }

  it('a module running without fuel metering is not charged, and no copy is refused', async () => {
    manager = new PluginManager({ logger: captureLogger(), limits: { fuel: false } });
    await manager.load({ manifest, wasm: await watFixture('guest-io-charges') });
    for (const [hook] of hooks) expect(await manager.hooks.execute(hook, large, { errorPolicy: 'fail' })).toBe(large);
    expect(manager.stats('copier').fuel.last).toBeNull();
  });
});
