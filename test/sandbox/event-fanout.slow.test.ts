/**
 * Hostile plugins answering each other's events (WAT sources in ./hostile, built from source):
 * one trigger's total work is held to its chain's budget in both isolation modes, the cut is
 * reported once, a neighbour keeps working, the next trigger gets a fresh budget, and a host
 * subscriber still sees every publisher. Counts are exact; nothing here measures time.
 *
 * Budgets are smaller in worker isolation: there, once calls queue up on a plugin, each of its
 * host calls (reed_publish_event) waits about 500 ms in Extism's worker handshake (its
 * MAX_WAIT), with or without chain budgets, so a bigger chain only makes the test slower.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Hooks, PluginManager, type HostLimits, type PluginEvent } from '@reedcms/plugins';
import { compileWat } from '../support/wat.ts';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';

const HOSTILE_DIR = join(import.meta.dirname, 'hostile');
const FANOUT_GLOBAL = '(global $fanout i32 (i32.const 4))';

/** event-fanout.wat publishing `n` events per event it receives (and per hook call). */
async function fanoutWasm(n: number): Promise<Uint8Array> {
  const source = await readFile(join(HOSTILE_DIR, 'event-fanout.wat'), 'utf8');
  if (!source.includes(FANOUT_GLOBAL)) throw new Error('event-fanout.wat no longer declares its $fanout global as expected');
  return compileWat(source.replace(FANOUT_GLOBAL, `(global $fanout i32 (i32.const ${n}))`), 'event-fanout.wat');
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Waits, turn by turn, until `done()` holds (a bounded number of turns: a hang fails the test). */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 12_000; i++) {
    if (done()) return;
    await turn();
  }
  throw new Error(`never reached: ${what}`);
}

/** Some more turns, for anything the budget failed to stop to show up. */
async function quiet(): Promise<void> {
  for (let i = 0; i < 20; i++) await turn();
}

for (const isolation of ['inline', 'worker'] as const) {
  describe(`event fan-out between hostile plugins, ${isolation} isolation`, () => {
    let manager: PluginManager | undefined;
    afterEach(async () => {
      await manager?.shutdown();
      manager = undefined;
    });

    /** A manager with the neighbour (echo on before_render) and host subscribers recording. */
    async function start(limits: HostLimits, plugins: Record<string, Record<string, unknown>> = {}) {
      const m = new PluginManager({ isolation, limits: { fuel: 20_000_000, timeoutMs: 60_000, ...limits }, logger: captureLogger(), plugins });
      manager = m;
      const chat: PluginEvent[] = [];
      const denied: PluginEvent[] = [];
      m.events.subscribe('chat.*', (e) => void chat.push(e));
      m.events.subscribe('plugin.denied', (e) => void denied.push(e));
      await m.load({ manifest: manifestToml('good', ['Hook = "before_render"']), wasm: await readFixture('echo') });
      /** Plugin calls of `ids`, less `direct` calls the host made itself (hooks). */
      const onEventCalls = (ids: string[], direct = 0) => ids.reduce((sum, id) => sum + m.stats(id).calls, 0) - direct;
      const neighbourHealthy = async () => {
        const page = { title: 'Still fine ✓', n: Math.random() };
        await expect(m.hooks.execute(Hooks.BEFORE_RENDER, page, { errorPolicy: 'fail' })).resolves.toEqual(page);
      };
      return { manager: m, chat, denied, onEventCalls, neighbourHealthy };
    }

    for (const [n, blamed, workerBudget] of [
      [4, 'a', 12],
      [20, 'b', 24],
    ] as const) {
      it(`one hook call, two plugins answering each event with ${n}: exactly maxEventsPerChain events and on_event calls, one plugin.denied, and a fresh budget for the next trigger`, async () => {
        const budget = isolation === 'inline' ? 60 : workerBudget;
        const { manager, chat, denied, onEventCalls, neighbourHealthy } = await start({ maxEventsPerChain: budget });
        const wasm = await fanoutWasm(n);
        await manager.load({ manifest: manifestToml('a', ['Hook = "transform_data"', 'Event = "chat.*"']), wasm });
        await manager.load({ manifest: manifestToml('b', ['Event = "chat.*"']), wasm });

        for (let trigger = 1; trigger <= 2; trigger++) {
          expect(await manager.hooks.execute(Hooks.TRANSFORM_DATA, { trigger }, { errorPolicy: 'fail' })).toEqual({ trigger });
          // Each event reaches exactly one plugin (never its own publisher).
          await until(() => chat.length === trigger * budget && onEventCalls(['a', 'b'], trigger) === trigger * budget, `chain ${trigger} delivered`);
          await neighbourHealthy();
        }
        await quiet();
        expect(chat).toHaveLength(2 * budget);
        expect(onEventCalls(['a', 'b'], 2)).toBe(2 * budget);
        // Both publishers reached the host subscriber.
        expect(new Set(chat.map((e) => e.source))).toEqual(new Set(['a', 'b']));
        // One report per chain. Inline the order is deterministic, and these levels are small
        // enough to stay breadth-first: with 4 per event `a` publishes the 61st (its answers to
        // `b`'s 16), with 20 `b` does (its answers to `a`'s 20).
        const refusal = {
          what: 'event',
          type: 'chat.msg',
          limit: 'maxEventsPerChain',
          pluginId: isolation === 'inline' ? blamed : expect.stringMatching(/^[ab]$/),
          reason: expect.stringContaining('a hook_transform_data call of "a"'),
        };
        expect(denied.map((e) => e.data)).toEqual([expect.objectContaining(refusal), expect.objectContaining(refusal)]);
        expect(manager.stats('a').faults + manager.stats('b').faults).toBe(0);
      });
    }

    it('one host event, three plugins answering each with 4: exactly maxCallsPerChain on_event calls, one plugin.denied, a fresh budget next time', async () => {
      const budget = isolation === 'inline' ? 50 : 12;
      const { manager, chat, denied, onEventCalls, neighbourHealthy } = await start({ maxCallsPerChain: budget });
      const wasm = await fanoutWasm(4);
      const ids = ['a', 'b', 'c'];
      for (const id of ids) await manager.load({ manifest: manifestToml(id, ['Event = "chat.*"']), wasm });
      const messages = () => chat.filter((e) => e.type === 'chat.msg').length;

      for (let trigger = 1; trigger <= 2; trigger++) {
        await manager.events.publish({ type: 'chat.start', data: { trigger } });
        // Every admitted call published its 4 events (the event budget is far away); events
        // past the call budget still reach host subscribers, not plugins.
        await until(() => onEventCalls(ids) === trigger * budget && messages() === trigger * 4 * budget, `chain ${trigger} delivered`);
        await neighbourHealthy();
      }
      await quiet();
      expect(onEventCalls(ids)).toBe(2 * budget);
      expect(messages()).toBe(2 * 4 * budget);
      const refusal = { what: 'event', limit: 'maxCallsPerChain', pluginId: expect.stringMatching(/^[abc]$/), reason: expect.stringContaining('the host\'s "chat.start" event') };
      expect(denied.map((e) => e.data)).toEqual([expect.objectContaining(refusal), expect.objectContaining(refusal)]);
    });

    it("a plugin publishing to itself through a relay: bounded by the chain, and the relay's events are not crowded out", async () => {
      const budget = isolation === 'inline' ? 100 : 40;
      const { manager, chat, denied, onEventCalls, neighbourHealthy } = await start({ maxEventsPerChain: budget }, { relay: { publish: 'chat.relay' } });
      await manager.load({ manifest: manifestToml('chatty', ['Event = "chat.*"']), wasm: await fanoutWasm(20) });
      await manager.load({ manifest: manifestToml('relay', ['Event = "chat.*"']), wasm: await readFixture('relay') });

      await manager.events.publish({ type: 'chat.start', data: {} });
      const published = () => chat.filter((e) => e.source !== 'host');
      // Both answer the host's event; then each event reaches exactly the other plugin.
      await until(() => published().length === budget && onEventCalls(['chatty', 'relay']) === 2 + budget, 'chain delivered');
      await quiet();
      expect(published()).toHaveLength(budget);
      expect(onEventCalls(['chatty', 'relay'])).toBe(2 + budget);
      expect(denied.map((e) => e.data)).toEqual([expect.objectContaining({ what: 'event', limit: 'maxEventsPerChain', pluginId: expect.stringMatching(/^(chatty|relay)$/) })]);
      const sources = published().map((e) => e.source);
      expect(sources).toContain('relay');
      // Round-robin per publisher: inline, where both answers are queued before the first
      // delivery, the relay's one answer goes second, not after the chatty plugin's 20.
      if (isolation === 'inline') expect(sources.slice(0, 2)).toEqual(['chatty', 'relay']);
      await neighbourHealthy();
    });

    it("a guest publishing one 256 KiB block again and again: a call's events total at most maxOutputBytes, refused before any decoding; reported once per call", async () => {
      const { manager, chat, denied, neighbourHealthy } = await start({ maxOutputBytes: 1024 * 1024 });
      await manager.load({
        manifest: manifestToml('bloat', ['Hook = "transform_data"', 'Event = "chat.*"']),
        wasm: await compileWat(await readFile(join(HOSTILE_DIR, 'event-bloat.wat'), 'utf8'), 'event-bloat.wat'),
      });
      for (let call = 1; call <= 2; call++) {
        expect(await manager.hooks.execute(Hooks.TRANSFORM_DATA, { call }, { errorPolicy: 'fail' })).toEqual({ call });
        // 4 × 262,144 bytes is exactly 1 MiB; the 5th passes it (and stops the guest's loop).
        await until(() => chat.length === 4 * call && denied.length === call, `call ${call}'s events`);
      }
      await quiet();
      expect(chat).toHaveLength(8);
      expect(chat.every((e) => e.type === 'chat.big' && e.source === 'bloat' && (e.data as string).length === 262_144 - 29)).toBe(true);
      expect(denied.map((e) => e.data)).toEqual([1, 2].map(() => expect.objectContaining({ pluginId: 'bloat', what: 'event', limit: 'maxOutputBytes' })));
      expect(manager.stats('bloat').faults).toBe(0);
      await neighbourHealthy();
    });

    it('a guest publishing a type with a NUL byte, an ANSI escape or 300 characters is refused (malformed), told so, and reported with the type escaped', async () => {
      const { manager, chat, denied, neighbourHealthy } = await start({});
      await manager.load({
        manifest: manifestToml('forger', ['Hook = "transform_data"', 'Event = "chat.*"']),
        wasm: await compileWat(await readFile(join(HOSTILE_DIR, 'event-type-forgery.wat'), 'utf8'), 'event-type-forgery.wat'),
      });
      // The statuses reed_publish_event returned: 2 (malformed) three times, then 0.
      expect(await manager.hooks.execute(Hooks.TRANSFORM_DATA, {}, { errorPolicy: 'fail' })).toEqual([2, 2, 2, 0]);
      await until(() => chat.length === 1 && denied.length === 3, 'the good event and three refusals');
      expect(chat.map((e) => [e.type, e.source])).toEqual([['chat.ok', 'forger']]);
      const data = denied.map((e) => e.data as Record<string, unknown>);
      expect(data).toEqual([
        { pluginId: 'forger', what: 'event', reason: expect.stringContaining('"chat.\\u0000evil"') },
        { pluginId: 'forger', what: 'event', reason: expect.stringContaining('"chat.\\u001b[2J"') },
        { pluginId: 'forger', what: 'event', reason: expect.stringContaining('(305 characters)') },
      ]);
      // Nothing of the forged types reaches the host unescaped.
      for (const d of data) expect(d['reason']).not.toMatch(/[\u0000-\u001f\u007f]/);
      expect(manager.stats('forger').faults).toBe(0);
      await neighbourHealthy();
    });
  });
}

describe('event chain defaults', () => {
  // The case with no limits configured: 43,692 plugin calls from one hook call before.
  // Inline only: worker isolation is covered above with smaller budgets (see the header).
  it('two plugins answering each event with 4: one hook call makes exactly 1,000 on_event calls (maxEventsPerChain default)', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    const denied: PluginEvent[] = [];
    let chat = 0;
    manager.events.subscribe('chat.*', () => void chat++);
    manager.events.subscribe('plugin.denied', (e) => void denied.push(e));
    try {
      const wasm = await fanoutWasm(4);
      await manager.load({ manifest: manifestToml('a', ['Hook = "transform_data"', 'Event = "chat.*"']), wasm });
      await manager.load({ manifest: manifestToml('b', ['Event = "chat.*"']), wasm });
      await manager.hooks.execute(Hooks.TRANSFORM_DATA, {}, { errorPolicy: 'fail' });
      const calls = () => manager.stats('a').calls + manager.stats('b').calls - 1;
      await until(() => chat === 1_000 && calls() === 1_000, 'the chain delivered');
      await quiet();
      expect([chat, calls()]).toEqual([1_000, 1_000]);
      expect(denied.map((e) => e.data)).toEqual([expect.objectContaining({ pluginId: expect.stringMatching(/^[ab]$/), limit: 'maxEventsPerChain' })]);
    } finally {
      await manager.shutdown();
    }
  });

  it('a chain limit that is not a positive integer is refused when the manager is made', () => {
    for (const limits of [{ maxEventsPerChain: 0 }, { maxCallsPerChain: 1.5 }, { maxEventChainDepth: Number.NaN }]) {
      expect(() => new PluginManager({ logger: captureLogger(), limits })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    }
  });
});
