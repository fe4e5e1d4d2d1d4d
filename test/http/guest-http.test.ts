/**
 * Guest HTTP end to end: an AssemblyScript plugin (SDK Http helpers over Extism's http_request)
 * against a real server on 127.0.0.1, explicitly allowed per test. On Node 20 (no JSPI) a
 * network plugin runs in worker isolation automatically.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PluginManager, type PluginEvent } from '@reedcms/plugins';
import { webRuntime } from '../../src/web.ts';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger, type CapturingLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';
import { startTestServer, type TestServer } from './http-server.ts';

interface Result {
  status: number;
  ok: boolean;
  error: string | null;
  errorKind: string | null;
  body: string;
  headers: Record<string, string>;
}

let server: TestServer;
let other: TestServer;
let manager: PluginManager;
let logger: CapturingLogger;
let events: PluginEvent[];

beforeAll(async () => {
  server = await startTestServer();
  other = await startTestServer();
});
afterAll(async () => {
  await server.close();
  await other.close();
});
afterEach(async () => {
  await manager?.shutdown();
});

function start(config: ConstructorParameters<typeof PluginManager>[0] = {}): PluginManager {
  logger = captureLogger();
  events = [];
  manager = new PluginManager({ logger, allowedHosts: [server.origin], ...config });
  manager.events.subscribe((e) => {
    if (e.type === 'plugin.denied' || e.type === 'plugin.log') events.push(e);
  });
  return manager;
}

/** Loads the http-client fixture as `id`, asking for `allowed` hosts in its manifest. */
async function loadClient(id = 'client', allowed: string[] = [server.origin]): Promise<string> {
  const network = `[network]\nallowed_hosts = ${JSON.stringify(allowed)}`;
  return manager.load({ manifest: manifestToml(id, ['Command = "fetch"'], network), wasm: await readFixture('http-client') });
}

async function fetchAll(id: string, requests: Array<Record<string, unknown>>): Promise<Result[]> {
  const out = (await manager.command(id, 'fetch', { requests })) as { results: Result[] };
  return out.results;
}

const denials = () => events.filter((e) => e.type === 'plugin.denied').map((e) => e.data as Record<string, unknown>);

describe('guest HTTP under the network policy', () => {
  it('runs a network plugin in worker isolation on a runtime without JSPI, and GETs an allowed URL', async () => {
    start();
    await loadClient();
    const [res] = await fetchAll('client', [{ url: `${server.origin}/hello` }]);
    expect(res).toMatchObject({ status: 200, ok: true, error: null, body: 'hello' });
    expect(res?.headers['x-test']).toBe('yes');
    expect(denials()).toEqual([]);
  });

  it('POSTs with headers and a body', async () => {
    start();
    await loadClient();
    const [res] = await fetchAll('client', [{ url: `${server.origin}/echo`, method: 'POST', headers: { 'X-Custom': 'abc' }, body: 'héllo' }]);
    expect(res?.status).toBe(201);
    expect(JSON.parse(res?.body ?? '')).toEqual({ method: 'POST', custom: 'abc', type: 'text/plain; charset=utf-8', body: 'héllo' });
  });

  it('refuses a host outside the lists with 403, an error for the guest and a plugin.denied event', async () => {
    start();
    await loadClient();
    const [res] = await fetchAll('client', [{ url: 'https://example.com/' }]);
    expect(res).toMatchObject({ status: 403, ok: false, errorKind: 'denied' });
    expect(res?.error).toMatch(/not in the plugin's \[network\] allowed_hosts/);
    expect(denials()).toEqual([expect.objectContaining({ pluginId: 'client', what: 'http', kind: 'denied', code: 'E_HTTP_DENIED', url: 'https://example.com/' })]);
  });

  it('allows only the intersection: a host the plugin asks for but the host does not allow is refused', async () => {
    start({ allowedHosts: [server.origin] });
    await loadClient('client', [server.origin, other.origin]);
    const [res] = await fetchAll('client', [{ url: `${other.origin}/hello` }]);
    expect(res).toMatchObject({ status: 403, errorKind: 'denied' });
    expect(other.requests).toEqual([]);
  });

  it('refuses a private address that the host allows only through a wildcard', async () => {
    start({ allowedHosts: ['*://*:*'] });
    await loadClient('client', [server.origin]);
    const before = server.requests.length;
    const [res] = await fetchAll('client', [{ url: `${server.origin}/hello` }]);
    expect(res).toMatchObject({ status: 403, errorKind: 'denied' });
    expect(res?.error).toMatch(/loopback address/);
    expect(server.requests.length).toBe(before);
  });

  it('follows an allowed redirect, and refuses one to a URL the policy denies', async () => {
    start();
    await loadClient();
    const otherBefore = other.requests.length;
    const [good, bad] = await fetchAll('client', [{ url: `${server.origin}/redirect?to=/hello` }, { url: `${server.origin}/redirect?to=${encodeURIComponent(`${other.origin}/hello`)}` }]);
    expect(good).toMatchObject({ status: 200, body: 'hello' });
    expect(bad).toMatchObject({ status: 403, errorKind: 'denied' });
    expect(bad?.error).toMatch(/^redirect from http:\/\/127\.0\.0\.1:\d+ refused/);
    expect(other.requests.length).toBe(otherBefore);
    expect(denials()).toEqual([expect.objectContaining({ what: 'http', url: `${other.origin}/hello` })]);
  });

  it('cuts off a response body over maxHttpResponseBytes', async () => {
    start({ limits: { maxHttpResponseBytes: 1_000 } });
    await loadClient();
    const [small, big] = await fetchAll('client', [{ url: `${server.origin}/big?bytes=1000` }, { url: `${server.origin}/big?bytes=50000` }]);
    expect(small).toMatchObject({ status: 200, ok: true });
    expect(small?.body.length).toBe(1_000);
    expect(big).toMatchObject({ status: 429, errorKind: 'limit' });
    expect(denials()).toEqual([expect.objectContaining({ kind: 'limit', code: 'E_LIMIT', limit: 'maxHttpResponseBytes' })]);
  });

  it("a manifest's [limits] may lower the host's HTTP limits, never raise them", async () => {
    // Four requests through the stock I/O (worker isolation) take the SDK's JSON code past the
    // default 1,000,000 fuel since bulk memory ops pay their per-op cost (docs/instrument.md).
    start({ limits: { maxHttpRequests: 3, fuel: 2_000_000 } });
    const network = `[network]\nallowed_hosts = ${JSON.stringify([server.origin])}`;
    await manager.load({ manifest: manifestToml('modest', ['Command = "fetch"'], `[limits]\nmax_http_requests = 1\n${network}`), wasm: await readFixture('http-client') });
    await manager.load({ manifest: manifestToml('greedy', ['Command = "fetch"'], `[limits]\nmax_http_requests = 50\n${network}`), wasm: await readFixture('http-client') });
    const hello = { url: `${server.origin}/hello` };
    expect((await fetchAll('modest', [hello, hello])).map((r) => r.status)).toEqual([200, 429]);
    expect((await fetchAll('greedy', [hello, hello, hello, hello])).map((r) => r.status)).toEqual([200, 200, 200, 429]);
  });

  it('refuses requests past maxHttpRequests per call, and the budget starts again next call', async () => {
    start({ limits: { maxHttpRequests: 2 } });
    await loadClient();
    const hello = { url: `${server.origin}/hello` };
    const first = await fetchAll('client', [hello, hello, hello]);
    expect(first.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(first[2]?.error).toMatch(/more than 2 HTTP requests in one call/);
    expect((await fetchAll('client', [hello, hello])).map((r) => r.status)).toEqual([200, 200]);
    expect(denials()).toEqual([expect.objectContaining({ kind: 'limit', code: 'E_LIMIT', limit: 'maxHttpRequests' })]);
  });

  it('times out a slow server at httpTimeoutMs, and the plugin works on its next call', async () => {
    start({ limits: { httpTimeoutMs: 300 } });
    await loadClient();
    const started = performance.now();
    const [slow] = await fetchAll('client', [{ url: `${server.origin}/slow?ms=3000` }]);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(slow).toMatchObject({ status: 504, errorKind: 'timeout' });
    expect(denials()).toEqual([expect.objectContaining({ kind: 'timeout', code: 'E_TIMEOUT', limit: 'httpTimeoutMs' })]);
    const [next] = await fetchAll('client', [{ url: `${server.origin}/hello` }]);
    expect(next).toMatchObject({ status: 200, body: 'hello' });
    expect(manager.stats('client').faults).toBe(0);
  });

  it('keeps working after a denial: the next call on the same instance succeeds', async () => {
    start();
    await loadClient();
    expect((await fetchAll('client', [{ url: 'http://169.254.169.254/latest/meta-data/' }]))[0]).toMatchObject({ status: 403, errorKind: 'denied' });
    expect((await fetchAll('client', [{ url: `${server.origin}/hello` }]))[0]).toMatchObject({ status: 200 });
    expect(manager.plugins().find((p) => p.id === 'client')?.state).toBe('active');
  });

  it('publishes guest logs as plugin.log events with the plugin id and level', async () => {
    start();
    await loadClient();
    await fetchAll('client', [{ url: `${server.origin}/hello` }]);
    const logs = events.filter((e) => e.type === 'plugin.log').map((e) => e.data);
    expect(logs).toContainEqual({ pluginId: 'client', level: 'info', message: `http GET ${server.origin}/hello -> 200`, call: expect.stringMatching(/^client#\d+$/) });
    expect(logger.lines).toContainEqual(['info', `[client] http GET ${server.origin}/hello -> 200`]);
  });

  it('refuses every request at once for a plugin without [network], which stays inline', async () => {
    start();
    await manager.load({ manifest: manifestToml('offline', ['Command = "fetch"']), wasm: await readFixture('http-client') });
    const [res] = await fetchAll('offline', [{ url: `${server.origin}/hello` }]);
    expect(res).toMatchObject({ status: 403, errorKind: 'denied' });
    expect(res?.error).toMatch(/declares no \[network\] allowed_hosts/);
  });

  it('fails the load with E_UNSUPPORTED where neither JSPI nor workers exist', async () => {
    start({ runtime: webRuntime });
    await expect(loadClient()).rejects.toMatchObject({ code: 'E_UNSUPPORTED', message: expect.stringMatching(/HTTP unavailable in this runtime/) });
  });

  it('rejects a malformed allowed_hosts pattern at load with E_MANIFEST', async () => {
    start();
    await expect(loadClient('client', ['ftp://files.example.com'])).rejects.toMatchObject({ code: 'E_MANIFEST', message: expect.stringMatching(/network\.allowed_hosts\[0\].*scheme/) });
  });

  it('uses an injected fetch', async () => {
    const seen: string[] = [];
    start({
      allowedHosts: ['https://api.example.com'],
      fetch: (async (input: RequestInfo | URL) => {
        seen.push(String(input));
        return new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
      }) as typeof fetch,
    });
    await loadClient('client', ['https://api.example.com']);
    const [res] = await fetchAll('client', [{ url: 'https://api.example.com/v1/x' }]);
    expect(res).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(seen).toEqual(['https://api.example.com/v1/x']);
  });
});
