/**
 * Units of the WASI layer that need no plugin: the link step that moves WASI out of Extism's
 * reach (and leaves every other module untouched: a plugin without WASI pays nothing), the line
 * buffer behind stdout/stderr, and the resolution of args/env settings.
 */
import { describe, expect, it } from 'vitest';
import { compileWat } from '../support/wat.ts';
import { HOST_COMMAND_START, HOST_REACTOR_INIT, HOST_WASI_MODULE, linkWasi } from '../../src/wasi/wasi-link.ts';
import { lineStream } from '../../src/wasi/wasi-streams.ts';
import { resolveWasiSettings } from '../../src/wasi/wasi-settings.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('linkWasi', () => {
  it('returns a module without WASI or _initialize as the very same bytes (no copy)', async () => {
    const wasm = await compileWat('(module (memory (export "memory") 1) (func (export "hook_x") (result i32) (i32.const 0)))');
    expect(linkWasi(wasm)).toBe(wasm);
  });

  it('moves wasi_snapshot_preview1 imports to the host namespace and renames _initialize, nothing else', async () => {
    const wasm = await compileWat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (import "extism:host/env" "input_length" (func (result i64)))
      (import "env" "table" (table 1 funcref))
      (memory (export "memory") 1 2)
      (global (export "g") i32 (i32.const 7))
      (func (export "_initialize"))
      (func (export "_start"))
      (func (export "hook_x") (result i32) (i32.const 0)))`);
    const linked = new WebAssembly.Module(linkWasi(wasm) as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.imports(linked).map((i) => `${i.module}.${i.name}:${i.kind}`)).toEqual([
      `${HOST_WASI_MODULE}.fd_write:function`,
      'extism:host/env.input_length:function',
      'env.table:table',
    ]);
    expect(WebAssembly.Module.exports(linked).map((e) => `${e.name}:${e.kind}`)).toEqual([
      'memory:memory',
      'g:global',
      `${HOST_REACTOR_INIT}:function`,
      `${HOST_COMMAND_START}:function`,
      'hook_x:function',
    ]);
  });
});

describe('lineStream', () => {
  it('sends complete lines at once, joins writes, strips CR, flushes the rest on demand', () => {
    const lines: string[] = [];
    const stream = lineStream((l) => lines.push(l), 1024);
    stream.write(bytes('one\r\ntw'));
    stream.write(bytes('o\n\nthr'));
    expect(lines).toEqual(['one', 'two', '']);
    stream.flush();
    stream.flush();
    expect(lines).toEqual(['one', 'two', '', 'thr']);
  });

  it('never buffers more than its limit: a longer line is cut there', () => {
    const lines: string[] = [];
    const stream = lineStream((l) => lines.push(l), 4);
    stream.write(bytes('abcdefghij'));
    expect(lines).toEqual(['abcd', 'efgh']);
    stream.write(bytes('k\n'));
    expect(lines).toEqual(['abcd', 'efgh', 'ijk']);
  });

  it('keeps a UTF-8 character split across writes whole', () => {
    const lines: string[] = [];
    const stream = lineStream((l) => lines.push(l), 1024);
    const text = bytes('é✓\n');
    stream.write(text.subarray(0, 1));
    stream.write(text.subarray(1));
    expect(lines).toEqual(['é✓']);
  });
});

describe('resolveWasiSettings', () => {
  it('is empty and real by default', () => {
    expect(resolveWasiSettings(undefined, undefined, undefined)).toEqual({ args: [], env: [], deterministic: false });
  });
  it("merges env key by key (the host's value wins), replaces args, and lets the plugin's setting override the manager's", () => {
    expect(resolveWasiSettings({ args: ['a'], env: { B: '1', A: 'm' } }, true, { env: { A: 'h' }, deterministic: false })).toEqual({ args: ['a'], env: ['A=h', 'B=1'], deterministic: false });
    expect(resolveWasiSettings({ args: ['a'], env: {} }, true, { args: ['x', 'y'] })).toEqual({ args: ['x', 'y'], env: [], deterministic: true });
  });
});

describe('the manifest [wasi] table', () => {
  const base = 'id = "w"\nname = "w"\nversion = "1.0.0"\n';
  it('keeps env names as written (no case conversion) and args in order', async () => {
    const { parseManifest } = await import('../../src/manifest/parse-manifest.ts');
    expect(parseManifest(`${base}[wasi]\nargs = ["w", "--x"]\nenv = { LOG_LEVEL = "debug", myVar = "1" }\n`).wasi).toEqual({ args: ['w', '--x'], env: { LOG_LEVEL: 'debug', myVar: '1' } });
    expect(parseManifest(base).wasi).toBeUndefined();
  });
  it('reports bad entries with their path, as every manifest problem', async () => {
    const { parseManifest } = await import('../../src/manifest/parse-manifest.ts');
    const error = (() => {
      try {
        parseManifest(`${base}[wasi]\nargs = [1]\nenv = { "A=B" = "x" }\nfiles = true\n`);
      } catch (err) {
        return err as { code: string; issues: Array<{ path: string; message: string }> };
      }
      return undefined;
    })();
    expect(error?.code).toBe('E_MANIFEST');
    expect(error?.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['wasi.args[0]', 'wasi.files']));
    expect(error?.issues.some((i) => i.path.startsWith('wasi.env'))).toBe(true);
  });
});
