/**
 * The engine's front on its own: an inline guest made by createGuest (on the host's own Extism
 * kernel), called and closed without a manager or plugin around it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileModule, createGuest, functionExports, hasHostCallGuards, readsFrames, type GuestOptions } from '../../src/engine/extism-guest.ts';
import { extismCreatePlugin } from '../../src/engine/extism-loader.ts';
import { DEFAULT_LIMITS } from '../../src/plugin/limits.ts';
import { buildWatPlugin, echoPluginWat, errorSettingWat, trappingWat } from '../support/wat-plugins.ts';

const options = (pluginId: string): GuestOptions => ({
  pluginId,
  config: {},
  logLevel: 'info',
  onLog: () => {},
  hostFunctions: {},
  loadExtism: extismCreatePlugin,
  wasi: { maxLineBytes: DEFAULT_LIMITS.maxLogBytes, maxFileHandles: DEFAULT_LIMITS.maxFileHandles },
});
let echo: WebAssembly.Module;

beforeAll(async () => {
  echo = await compileModule(await buildWatPlugin(echoPluginWat(['hook_x', 'initialize'])));
});

describe('createGuest (unit, inline)', () => {
  it('calls an export with bytes and gets its output back, byte for byte', async () => {
    const guest = await createGuest(echo, options('echo'));
    const input = new TextEncoder().encode('{"ünïcode":"✓"}');
    expect(await guest.call('hook_x', input)).toStrictEqual(input);
    expect(guest.runsInWorker).toBe(false);
    expect(await guest.instance()).toBeInstanceOf(WebAssembly.Instance);
    await guest.close();
  });

  it('reads what a module exports and imports', () => {
    expect([...functionExports(echo)].sort()).toStrictEqual(['hook_x', 'initialize']);
    expect([hasHostCallGuards(echo), readsFrames(echo)]).toStrictEqual([false, false]);
  });

  it('a guest error is E_GUEST with its message; a trap is E_TRAP; both name the plugin', async () => {
    const failing = await createGuest(await compileModule(await buildWatPlugin(errorSettingWat('hook_x', 'nope'))), options('err'));
    await expect(failing.call('hook_x', new Uint8Array(0))).rejects.toMatchObject({ code: 'E_GUEST', pluginId: 'err', message: expect.stringContaining('nope') });
    await failing.close();
    const trapping = await createGuest(await compileModule(await buildWatPlugin(trappingWat('hook_x'))), options('trap'));
    await expect(trapping.call('hook_x', new Uint8Array(0))).rejects.toMatchObject({ code: 'E_TRAP', pluginId: 'trap' });
    await trapping.close();
  });

  it('bytes that are not WebAssembly are E_WASM', async () => {
    await expect(compileModule(new Uint8Array([1, 2, 3]), 'junk')).rejects.toMatchObject({ code: 'E_WASM', pluginId: 'junk' });
  });
});
