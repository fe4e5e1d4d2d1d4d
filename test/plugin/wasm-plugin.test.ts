/**
 * WasmPlugin on its own, without a manager: real Extism guests, made through the injected
 * factory so the test sees every instance the plugin makes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createGuest, type Guest, type GuestOptions } from '../../src/engine/extism-guest.ts';
import { ModuleCache } from '../../src/manager/module-cache.ts';
import { parseManifest } from '../../src/manifest/parse-manifest.ts';
import { resolveLimits } from '../../src/plugin/limits.ts';
import { emptyStats } from '../../src/plugin/stats.ts';
import { WasmPlugin, type WasmPluginOptions } from '../../src/plugin/wasm-plugin.ts';
import { buildWatPlugin, echoPluginWat, manifestToml } from '../support/wat-plugins.ts';

const EXTRA = `  (func (export "hook_spin") (result i32) (loop $l (br $l)) (i32.const 0))
  (func (export "hook_boom") (result i32) unreachable)`;
const metadata = parseManifest(manifestToml('unit', ['Hook = "transform_data"', 'Hook = "spin"', 'Hook = "boom"']));
const limits = resolveLimits({ fuel: 1_000_000 });
let bytes: Uint8Array;

beforeAll(async () => {
  bytes = await buildWatPlugin(echoPluginWat(['hook_transform_data'], EXTRA));
});

/** A plugin whose guests come from real `createGuest`, with every instance's options kept. */
async function plugin(overrides: Partial<WasmPluginOptions> = {}) {
  const made: GuestOptions[] = [];
  const stats = emptyStats();
  const instance = await WasmPlugin.create({
    metadata,
    prepared: await new ModuleCache().prepare({ bytes }, limits, 'unit'),
    config: {},
    limits,
    logLevel: 'info',
    onLog: () => {},
    publish: () => 0,
    stats,
    isolation: 'inline',
    createGuest: (module: WebAssembly.Module, options: GuestOptions): Promise<Guest> => {
      made.push(options);
      return createGuest(module, options);
    },
    ...overrides,
  });
  return { instance, made, stats };
}

describe('WasmPlugin (unit, real Extism)', () => {
  it('instantiates its guest through the injected factory, once, with its id and isolation', async () => {
    const { instance, made } = await plugin();
    expect(await instance.invokeHook('transform_data', { a: 1 })).toStrictEqual({ a: 1 });
    expect(made.map((o) => [o.pluginId, o.runInWorker, o.meterFuel])).toStrictEqual([['unit', false, true]]);
    await instance.shutdown();
  });

  it('a trap fails the call with E_TRAP and the next call runs on a fresh instance', async () => {
    const { instance, made, stats } = await plugin();
    await expect(instance.invokeHook('boom', {})).rejects.toMatchObject({ code: 'E_TRAP', pluginId: 'unit' });
    expect(await instance.invokeHook('transform_data', 'still here')).toBe('still here');
    expect([made.length, stats.restarts, stats.faults, stats.calls]).toStrictEqual([2, 1, 1, 2]);
    await instance.shutdown();
  });

  it('a runaway loop ends with E_FUEL after exactly its budget', async () => {
    const { instance, stats } = await plugin();
    await expect(instance.invokeHook('spin', {})).rejects.toMatchObject({ code: 'E_FUEL', limit: { name: 'fuel', value: 1_000_000 } });
    expect(stats.fuel.last).toBe(1_000_000);
    await instance.shutdown();
  });

  it('a factory that fails fails create, with nothing left running', async () => {
    const refusal = new Error('engine unavailable');
    await expect(plugin({ createGuest: () => Promise.reject(refusal) })).rejects.toBe(refusal);
  });
});
