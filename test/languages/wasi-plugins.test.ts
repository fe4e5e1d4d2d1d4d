/**
 * One plugin behaviour, three languages: the Go (go-pdk), C (wasi-libc + sdk/c/reed.h) and Rust
 * (extism-pdk) fixtures, each built from source by the test setup as a WASI reactor, through
 * the real PluginManager with the same expected results: a filter hook with config, stdout as
 * info lines, log_info, a command, events (module state lives on), a file from a granted mount,
 * HTTP under the network policy against a real server on 127.0.0.1 (where the runtime can serve
 * it to an inline plugin: JSPI), an endless loop ending in E_FUEL beside a healthy neighbour, and
 * Extism's own count_vowels and config test plugins called as they are. All of it in both
 * isolations: inline, and in the plugin's own worker (src/engine/worker-guest.ts), where HTTP
 * needs no JSPI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hooks, PluginManager, runtimeCapabilities, type PluginError } from '@reedcms/plugins';

import { readFixture } from '../support/fixtures.ts';
import { captureLogger, type CapturingLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';
import { nativeSkipReason } from '../support/native-fixtures.ts';
import { expectNeighbourHealthy, loadNeighbour } from '../support/neighbour.ts';
import { startTestServer, type TestServer } from '../http/http-server.ts';

const LANGUAGES = [
  { fixture: 'go-plugin', tag: 'go', stdout: 'go: shouting hello' },
  { fixture: 'c-plugin', tag: 'c', stdout: 'c: shouted HELLO' },
  { fixture: 'rust-plugin', tag: 'rust', stdout: 'rust: shouting hello' },
] as const;

// Go's runtime initialization (_initialize) fits in 10,000,000 fuel (bulk copies cost 1 per 4 bytes).
const LIMITS = { fuel: 10_000_000, memoryBytes: 64 * 1024 * 1024, timeoutMs: 10_000 };
const CAPABILITIES = ['Hook = "before_render"', 'Command = "echo"', 'Command = "read"', 'Command = "spin"', 'Event = "content.*"', 'Export = "count_vowels"', 'Export = "run_test"'];
const MOUNT = '[filesystem]\nmounts = [{ path = "/data" }]';

// The native plugins take before_render: the neighbour sits on transform_data.
async function withNeighbour(manager: PluginManager): Promise<() => Promise<void>> {
  await loadNeighbour(manager, Hooks.TRANSFORM_DATA);
  return () => expectNeighbourHealthy(manager, Hooks.TRANSFORM_DATA);
}

const ISOLATIONS = ['inline', 'worker'] as const;

for (const { fixture, tag, stdout } of LANGUAGES)
  for (const isolation of ISOLATIONS) {
    const skip = nativeSkipReason(fixture);
    const id = `${tag}plug`;
    // Inline without JSPI, a plugin with network access moves to its own worker (docs/network.md).
    const servesHttp = runtimeCapabilities().http !== 'none';

    describe.skipIf(skip !== undefined)(`${fixture}, ${isolation} isolation`, () => {
      let manager: PluginManager;
      let logger: CapturingLogger;
      let neighbourHealthy: () => Promise<void>;

      beforeAll(async () => {
        logger = captureLogger();
        manager = new PluginManager({
          isolation,
          limits: LIMITS,
          logger,
          plugins: { [id]: { suffix: '?', thing: 'testing' } },
          filesystem: { [id]: { '/data': { files: { 'hello.txt': `hello, ${tag}` } } } },
        });
        neighbourHealthy = await withNeighbour(manager);
        await manager.load({ manifest: manifestToml(id, CAPABILITIES, MOUNT), wasm: await readFixture(fixture) });
      });
      afterAll(async () => {
        await manager.shutdown();
      });

      it('runs a filter hook with config; stdout becomes an info line', async () => {
        logger.lines.length = 0;
        const page = (await manager.hooks.execute(Hooks.BEFORE_RENDER, { title: 'hello' }, { errorPolicy: 'fail' })) as { title: string };
        expect(page.title).toBe('HELLO?');
        expect(logger.lines).toEqual([['info', `[${id}] ${stdout}`]]);
        // A worker's instance is out of the host's reach: its fuel is not read back.
        if (isolation === 'inline') expect(manager.stats(id).fuel.last).toBeGreaterThan(0);
      });

      it('runs a command that logs through log_info', async () => {
        logger.lines.length = 0;
        await expect(manager.command(id, 'echo', { a: [1, 'two'] })).resolves.toEqual({ a: [1, 'two'] });
        expect(logger.lines).toEqual([['info', `[${id}] ${tag}: echo via log_info`]]);
      });

      it('reads a file from a granted mount', async () => {
        await expect(manager.command(id, 'read', {})).resolves.toEqual({ text: `hello, ${tag}` });
      });

      it('receives events, numbered by state that lives between calls', async () => {
        logger.lines.length = 0;
        await manager.events.publish({ type: 'content.created', data: { slug: 'a' } });
        await manager.events.publish({ type: 'content.updated', data: { slug: 'b' } });
        expect(logger.lines.map(([level, m]) => [level, m.replace(/\{.*\}/, '{…}')])).toEqual([
          ['info', `[${id}] ${tag}: event 1: {…}`],
          ['info', `[${id}] ${tag}: event 2: {…}`],
        ]);
        expect(logger.lines[1]![1]).toContain('"type":"content.updated"');
      });

      it("Extism's count_vowels and config test plugins give Extism's expected results", async () => {
        await expect(manager.call(id, 'count_vowels', 'Hello, World!', { as: 'json' })).resolves.toEqual({ count: 3, total: 3, vowels: 'aeiouAEIOU' });
        await expect(manager.call(id, 'count_vowels', 'Hello, World!', { as: 'json' })).resolves.toEqual({ count: 3, total: 6, vowels: 'aeiouAEIOU' });
        await expect(manager.call(id, 'run_test', '', { as: 'json' })).resolves.toEqual({ config: 'testing' });
      });

      it('an endless loop ends with E_FUEL, twice (the instance is replaced), and the neighbour is unaffected', async () => {
        for (let attempt = 0; attempt < 2; attempt++) {
          const error = (await manager.command(id, 'spin', {}).catch((e: unknown) => e)) as PluginError & { limit?: unknown };
          expect(error).toMatchObject({ code: 'E_FUEL', pluginId: id, operation: 'handle_command' });
          expect(error.limit).toEqual({ name: 'fuel', value: LIMITS.fuel });
          await neighbourHealthy();
        }
        const page = (await manager.hooks.execute(Hooks.BEFORE_RENDER, { title: 'after' }, { errorPolicy: 'fail' })) as { title: string };
        expect(page.title).toBe('AFTER?');
        // A fresh instance: the variables and the event count started again.
        await expect(manager.call(id, 'count_vowels', 'a', { as: 'json' })).resolves.toMatchObject({ total: 1 });
      });
    });

    // The wall clock bounds a call in a worker only (inline, fuel does).
    if (isolation === 'worker')
      describe.skipIf(skip !== undefined)(`${fixture}, ${isolation} isolation, no fuel: the wall clock`, () => {
        it('an endless loop without fuel metering ends with E_TIMEOUT (the worker is terminated), and the neighbour goes on', async () => {
          const manager = new PluginManager({ isolation, limits: { ...LIMITS, fuel: false, timeoutMs: 1_000 }, logger: captureLogger() });
          try {
            const neighbourHealthy = await withNeighbour(manager);
            await manager.load({ manifest: manifestToml(id, CAPABILITIES, MOUNT), wasm: await readFixture(fixture) });
            await expect(manager.command(id, 'spin', {})).rejects.toMatchObject({ code: 'E_TIMEOUT', pluginId: id, operation: 'handle_command' });
            await neighbourHealthy();
            await expect(manager.command(id, 'echo', { after: true })).resolves.toEqual({ after: true });
          } finally {
            await manager.shutdown();
          }
        });
      });

    describe.skipIf(skip !== undefined)(`${fixture}, ${isolation} isolation, HTTP under the network policy`, () => {
      let server: TestServer;
      beforeAll(async () => {
        server = await startTestServer();
      });
      afterAll(async () => {
        await server.close();
      });

      it(servesHttp ? 'fetches an allowed URL; another host is denied with 403' : 'is refused at load with E_UNSUPPORTED (neither JSPI nor workers here)', async () => {
        const manager = new PluginManager({ isolation, limits: LIMITS, logger: captureLogger(), allowedHosts: [server.origin] });
        try {
          const neighbourHealthy = await withNeighbour(manager);
          const load = manager.load({ manifest: manifestToml(id, ['Command = "fetch"'], `[network]\nallowed_hosts = ["${server.origin}"]`), wasm: await readFixture(fixture) });
          if (!servesHttp) {
            await expect(load).rejects.toMatchObject({ code: 'E_UNSUPPORTED', pluginId: id });
            await neighbourHealthy();
            return;
          }
          await load;
          await expect(manager.command(id, 'fetch', { url: `${server.origin}/hello` })).resolves.toEqual({ status: 200, body: 'hello' });
          await expect(manager.command(id, 'fetch', { url: 'https://evil.example.net/steal' })).resolves.toMatchObject({ status: 403 });
          expect(server.requests).toEqual(['GET /hello']);
          await neighbourHealthy();
        } finally {
          await manager.shutdown();
        }
      });
    });
  }
