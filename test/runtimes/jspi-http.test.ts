/**
 * The guest HTTP cases under JSPI, in Deno (the `deno` npm package's binary): the plugin stays
 * inline and the host's own `http_request` serves it under our network policy, the guest
 * suspended while the request runs; and a hostile call on that path still ends typed, leaving
 * the plugin usable.
 * Skipped when the binary is missing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { denoSourceImportMap } from '../../scripts/lib/runtime-aliases.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fixturePath } from '../support/fixtures.ts';
import { compileWat } from '../support/wat.ts';
import { ECHO_BODY, envImport as env } from '../support/wat-plugins.ts';
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

  it('a call failing while its results are read ends as E_TRAP, and the plugin goes on (not a queue left waiting)', async () => {
    // Importing http_request puts every call of the module on the JSPI path.
    const wat = `(module
      ${env('http_request', '(param i64 i64)', '(result i64)')}
      ${env('input_length', '', '(result i64)')}
      ${env('input_load_u8', '(param i64)', '(result i32)')}
      ${env('alloc', '(param i64)', '(result i64)')}
      ${env('store_u8', '(param i64 i32)')}
      ${env('output_set', '(param i64 i64)')}
      (memory (export "memory") 1)
      (func (export "echo") (result i32) ${ECHO_BODY})
      (func (export "negative_output") (result i32)
        (call $output_set (call $alloc (i64.const 4)) (i64.const -1))
        (i32.const 0)))`;
    const dir = await mkdtemp(join(tmpdir(), 'jspi-hostile-'));
    try {
      const wasm = join(dir, 'hostile.wasm');
      await writeFile(wasm, await compileWat(wat, 'jspi-hostile.wat'));
      const out = await runDeno(['test/runtimes/deno/jspi-hostile.ts', server.origin, wasm]);
      const line = out.split('\n').find((l) => l.startsWith('{"jspi"'));
      expect(line, out).toBeDefined();
      expect(JSON.parse(line as string)).toEqual({
        jspi: true,
        failed: { error: { name: 'GuestError', code: 'E_TRAP', pluginId: 'h' } },
        next: { value: 'still here' },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
