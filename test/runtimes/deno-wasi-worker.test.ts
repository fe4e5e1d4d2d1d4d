/**
 * A WASI plugin in its own worker on Deno, against a real HTTP server on 127.0.0.1
 * (test/runtimes/deno/wasi-worker.ts): HTTP from the worker under the network policy, E_TIMEOUT
 * of an unmetered loop and an answer after it, reload and unload; and the process ends by
 * itself once the manager is shut down, so no worker was left running. Skipped, loudly, where
 * the C plugin could not be built.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../support/fixtures.ts';
import { nativeSkipReason } from '../support/native-fixtures.ts';
import { startTestServer, type TestServer } from '../http/http-server.ts';
import { runDeno } from './support/run-deno.ts';

describe.skipIf(nativeSkipReason('c-plugin') !== undefined)("a WASI plugin's own worker on Deno", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('fetches from a real server, ends an unmetered loop with E_TIMEOUT, survives reload and unload, and leaves no worker behind', async () => {
    // runDeno fails on a process still running after 60 s: a worker left alive keeps Deno up.
    const out = await runDeno(['--allow-net=127.0.0.1', 'test/runtimes/deno/wasi-worker.ts', server.origin, fixturePath('c-plugin')]);
    const line = out.split('\n').find((l) => l.startsWith('{"wasiWorkerIsolation"'));
    expect(line, out).toBeDefined();
    expect(JSON.parse(line as string)).toEqual({
      wasiWorkerIsolation: true,
      allowed: { status: 200, body: 'hello' },
      denied: expect.objectContaining({ status: 403 }),
      spin: 'E_TIMEOUT',
      after: { after: 'timeout' },
      reloaded: { reloaded: true },
      again: { again: true },
    });
    expect(server.requests).toEqual(['GET /hello']);
  }, 90_000);
});
