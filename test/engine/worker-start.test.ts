/**
 * How long a plugin's own worker may take to start (src/engine/worker-guest.ts), against a
 * stand-in worker that answers `ready` only after the call's `timeoutMs` has passed: a module
 * whose start code is deferred (it exports `__reed_start`, as every module the host
 * instrumented does) runs none of its code meanwhile, so its start-up is not held to
 * `timeoutMs`; a module that is not deferred is (its start code may run at instantiation).
 */
import { describe, expect, it } from 'vitest';
import { compileModule, type GuestOptions } from '../../src/engine/extism-guest.ts';
import { extismCreatePlugin } from '../../src/engine/extism-loader.ts';
import type { GuestWorkerPort } from '../../src/engine/worker-channel.ts';
import { createWorkerGuest } from '../../src/engine/worker-guest.ts';
import { INSTRUMENT_EXPORTS } from '../../src/instrument/constants.ts';
import { DEFAULT_LIMITS } from '../../src/plugin/limits.ts';
import { compileWat } from '../support/wat.ts';

const TIMEOUT_MS = 20;

/** A worker that answers `init` with `ready`, late: after `delayMs`. */
function lateWorker(delayMs: number): { port: GuestWorkerPort; terminated: () => boolean } {
  let listener: ((message: unknown) => void) | undefined;
  let terminated = false;
  const port: GuestWorkerPort = {
    postMessage(message) {
      if ((message as { type: string }).type === 'init') setTimeout(() => listener?.({ type: 'ready' }), delayMs);
    },
    onMessage: (l) => void (listener = l),
    onError: () => {},
    terminate: () => void (terminated = true),
  };
  return { port, terminated: () => terminated };
}

const options = (spawn: () => GuestWorkerPort): GuestOptions => ({
  pluginId: 'late',
  config: {},
  logLevel: 'info',
  onLog: () => {},
  hostFunctions: {},
  loadExtism: extismCreatePlugin,
  timeoutMs: TIMEOUT_MS,
  spawnWorker: spawn,
  wasi: { maxLineBytes: DEFAULT_LIMITS.maxLogBytes, maxFileHandles: DEFAULT_LIMITS.maxFileHandles },
});

const module = async (deferred: boolean) => compileModule(await compileWat(`(module (memory (export "memory") 1) ${deferred ? `(func (export "${INSTRUMENT_EXPORTS.start}"))` : ''})`, 'late.wat'));

describe("a plugin's own worker starting", () => {
  it('takes longer than timeoutMs for a module whose start code is deferred, and the guest is created', async () => {
    const worker = lateWorker(TIMEOUT_MS * 5);
    const guest = await createWorkerGuest(
      await module(true),
      options(() => worker.port),
    );
    expect(guest.runsInWorker).toBe(true);
    expect(worker.terminated()).toBe(false);
    await guest.close();
    expect(worker.terminated()).toBe(true);
  });

  it('is held to timeoutMs for a module that is not deferred: E_TIMEOUT, the worker terminated', async () => {
    const worker = lateWorker(TIMEOUT_MS * 5);
    await expect(
      createWorkerGuest(
        await module(false),
        options(() => worker.port),
      ),
    ).rejects.toMatchObject({ code: 'E_TIMEOUT', pluginId: 'late', operation: 'instantiate' });
    expect(worker.terminated()).toBe(true);
  });
});
