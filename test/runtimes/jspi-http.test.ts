/**
 * The guest HTTP cases under JSPI, in Deno (the `deno` npm package's binary): the plugin stays
 * inline and the host's own `http_request` serves it under our network policy, the guest
 * suspended while the request runs.
 * Skipped when the binary is missing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { denoSourceImportMap } from '../../scripts/lib/runtime-aliases.ts';
import { fixturePath } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../http/http-server.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DENO = join(REPO_ROOT, 'node_modules', '.bin', 'deno');

function runDeno(args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(DENO, ['run', '--allow-read', '--allow-env', '--allow-net=127.0.0.1', ...denoSourceImportMap(), ...args], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`deno exited with ${code}:\n${out.slice(-3000)}`))));
  });
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe.skipIf(!existsSync(DENO))('guest HTTP under JSPI (Deno)', () => {
  it('allows, denies, re-checks redirects, limits, and keeps working', async () => {
    const out = await runDeno(['test/runtimes/deno/jspi-http.ts', server.origin, fixturePath('http-client')]);
    const line = out.split('\n').find((l) => l.startsWith('{"jspi"'));
    expect(line, out).toBeDefined();
    const { jspi, first, second, denied } = JSON.parse(line as string) as {
      jspi: boolean;
      first: { results: Array<{ status: number; body: string; errorKind: string | null }> };
      second: { results: Array<{ status: number; body: string; errorKind: string | null }> };
      denied: Array<{ kind: string; limit?: string }>;
    };
    expect(jspi).toBe(true);
    expect(first.results.map((r) => [r.status, r.errorKind])).toEqual([
      [200, null],
      [201, null],
      [403, 'denied'],
      [403, 'denied'],
      [429, 'limit'],
    ]);
    expect(first.results[0]?.body).toBe('hello');
    expect(JSON.parse(first.results[1]?.body ?? '')).toMatchObject({ method: 'POST', custom: 'abc', body: 'héllo' });
    expect(second.results.map((r) => [r.status, r.errorKind])).toEqual([
      [504, 'timeout'],
      [429, 'limit'],
      [200, null],
    ]);
    expect(denied.map((d) => d.limit ?? d.kind)).toEqual(['denied', 'denied', 'maxHttpRequests', 'httpTimeoutMs', 'maxHttpResponseBytes']);
  });
});
