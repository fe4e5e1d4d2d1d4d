/**
 * WASI plugins. Run alone: `npm run bench:one -- bench/wasi.ts`.
 *
 * - stdout: a small log line written with `fd_write` to stdout (how printf and fmt.Println log)
 *   against the same text through Extism's `log_info` (its block made in one host call,
 *   `reed_block_write`, as sdk/c/reed.h does), 100 lines per call, both through
 *   `manager.hooks.execute` on one plugin, so the call itself costs both sides alike. Target:
 *   fd_write at most 2× log_info.
 * - the Go plugin (test/fixtures/go/plugin, built from source): load to first result through the
 *   manager (link, instrument, compile, instantiate, `_initialize`, first hook) next to raw
 *   Extism with its own WASI (node:wasi) in the same run; fuel metering on a C, Go and Rust
 *   compute loop; and the instrumenter on every native fixture (size, MB/s).
 * - the C plugin's (else Go's) `echo` command in its own worker (`isolation: 'worker'`,
 *   src/engine/worker-guest.ts) vs the same plugin inline, in one run: what the thread hop costs
 *   a WASI plugin's call. Target: report.
 */
import { readFile } from 'node:fs/promises';
import createPlugin from '@extism/extism';
import { Hooks, PluginManager } from '@reedcms/plugins';
import { instrument, linkWasi } from '@reedcms/plugins/instrument';
import { buildNativeFixtures } from '../scripts/lib/build-native.ts';
import { compileWat } from '../test/support/wat.ts';
import { compare, median, printTable, type BenchResult } from './support/measure.ts';

const LINE = 'rendered /articles/hello in 3 ms\n';
const LINES = 100;

const WAT = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "extism:host/user" "reed_block_write" (func $block (param i32 i32) (result i64)))
  (import "extism:host/env" "log_info" (func $log_info (param i64)))
  (memory (export "memory") 1)
  (data (i32.const 64) "${LINE.replace('\n', '\\n')}")
  (func (export "hook_fd_write") (result i32)
    (local $i i32)
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const ${new TextEncoder().encode(LINE).length}))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.const ${LINES})))
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (i32.const 0))
  (func (export "hook_log_info") (result i32)
    (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.const ${LINES})))
      ;; the same text without its newline: a log_info call is one line
      (call $log_info (call $block (i32.const 64) (i32.const ${new TextEncoder().encode(LINE).length - 1})))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (i32.const 0))
)`;

/**
 * Runs the WASI benchmark.
 *
 * @example
 * ```ts
 * printTable(await runWasiBench());
 * ```
 */
export async function runWasiBench(): Promise<BenchResult[]> {
  const lines: string[] = [];
  const keep = (message: string) => void (lines.length < 4 && lines.push(message));
  const manager = new PluginManager({ logger: { debug() {}, info: keep, warn: keep, error: keep } });
  try {
    await manager.load({ manifest: 'id = "w"\nname = "w"\nversion = "1.0.0"\ncapabilities = [{ Hook = "fd_write" }, { Hook = "log_info" }]\n', wasm: await compileWat(WAT, 'wasi-bench.wat') });
    const fdWrite = () => manager.hooks.execute('fd_write', null);
    const logInfo = () => manager.hooks.execute('log_info', null);
    await fdWrite();
    await logInfo();
    if (lines.length !== 4 || new Set(lines).size !== 1) throw new Error(`the two sides log different lines: ${JSON.stringify(lines)}`);
    const t = await compare(fdWrite, logInfo, { ops: 300, rounds: 9, warmup: 300 });
    const ratio = t.candidateUs / t.baselineUs;
    return [
      ...(await nativeRows()),
      {
        name: `${LINES} small log lines per call: fd_write to stdout vs log_info (same text)`,
        candidateUs: t.candidateUs,
        baselineUs: t.baselineUs,
        ratio,
        target: '<= 2',
        pass: ratio <= 2,
        details: `${((t.candidateUs / LINES) * 1000).toFixed(0)} ns vs ${((t.baselineUs / LINES) * 1000).toFixed(0)} ns per line`,
      },
    ];
  } finally {
    await manager.shutdown();
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const GO_MANIFEST = 'id = "go"\nname = "go"\nversion = "1.0.0"\ncapabilities = [{ Hook = "before_render" }, { Command = "echo" }]\n';
const workManifest = (id: string) => `id = "${id}"\nname = "${id}"\nversion = "1.0.0"\ncapabilities = [{ Command = "work" }]\n`;

/** Fuel metering's cost on a compute loop (a sieve): the same plugin metered and unmetered. */
async function fuelRow(name: string, wasm: Uint8Array): Promise<BenchResult> {
  const metered = new PluginManager({ logger: silent, limits: { fuel: 1_000_000_000_000 } });
  const plain = new PluginManager({ logger: silent, limits: { fuel: false } });
  try {
    await metered.load({ manifest: workManifest('w'), wasm });
    await plain.load({ manifest: workManifest('w'), wasm });
    const a = await metered.command('w', 'work', {});
    if (JSON.stringify(a) !== JSON.stringify(await plain.command('w', 'work', {})) || (a as { primes: number }).primes !== 17_984) throw new Error(`${name}: wrong result ${JSON.stringify(a)}`);
    const t = await compare(
      () => metered.command('w', 'work', {}),
      () => plain.command('w', 'work', {}),
      { ops: 5, rounds: 9, warmup: 5 },
    );
    return {
      name: `${name} compute loop (sieve below 200,000): fuel-metered vs unmetered (both instrumented for memory and depth)`,
      candidateUs: t.candidateUs,
      baselineUs: t.baselineUs,
      ratio: t.candidateUs / t.baselineUs,
      target: 'report',
      pass: true,
      details: `${metered.stats('w').fuel.last} fuel per call`,
    };
  } finally {
    await Promise.all([metered.shutdown(), plain.shutdown()]);
  }
}

const LANGUAGE: Record<string, string> = { go: 'Go', c: 'C', rust: 'Rust' };

/** A WASI plugin's call in its own worker against the same call inline. */
async function workerRow(name: string, wasm: Uint8Array): Promise<BenchResult> {
  const manifest = 'id = "w"\nname = "w"\nversion = "1.0.0"\ncapabilities = [{ Command = "echo" }]\n';
  const worker = new PluginManager({ logger: silent, isolation: 'worker' });
  const inline = new PluginManager({ logger: silent });
  try {
    await worker.load({ manifest, wasm });
    await inline.load({ manifest, wasm });
    const args = { path: '/articles/hello', tags: ['a', 'b'] };
    const echoed = await worker.command('w', 'echo', args);
    if (JSON.stringify(echoed) !== JSON.stringify(args) || JSON.stringify(await inline.command('w', 'echo', args)) !== JSON.stringify(args))
      throw new Error(`${name}: echo answered ${JSON.stringify(echoed)}`);
    const t = await compare(
      () => worker.command('w', 'echo', args),
      () => inline.command('w', 'echo', args),
      { ops: 200, rounds: 9, warmup: 200 },
    );
    return {
      name: `${name} plugin's echo command (small JSON): in its own worker (isolation: 'worker') vs inline`,
      candidateUs: t.candidateUs,
      baselineUs: t.baselineUs,
      ratio: t.candidateUs / t.baselineUs,
      target: 'report',
      pass: true,
      details: `${t.candidateUs.toFixed(0)} µs vs ${t.baselineUs.toFixed(0)} µs per call`,
    };
  } finally {
    await Promise.all([worker.shutdown(), inline.shutdown()]);
  }
}

/** The Go plugin's load to first result and the instrumenter on the native fixtures, where built. */
async function nativeRows(): Promise<BenchResult[]> {
  const built = await buildNativeFixtures();
  const rows: BenchResult[] = [];
  const go = built.find((b) => b.name === 'go-plugin' && b.skipped === undefined);
  if (go !== undefined) {
    const wasm = new Uint8Array(await readFile(go.outFile));
    const page = { title: 'hello' };
    const ours: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < 7; i++) {
      let started = performance.now();
      const manager = new PluginManager({ logger: silent });
      await manager.load({ manifest: GO_MANIFEST, wasm });
      await manager.hooks.execute(Hooks.BEFORE_RENDER, page);
      ours.push((performance.now() - started) * 1000);
      await manager.shutdown();
      started = performance.now();
      const plugin = await createPlugin({ wasm: [{ data: wasm }] }, { useWasi: true });
      JSON.parse((await plugin.call('hook_before_render', JSON.stringify(page)))?.text() ?? 'null');
      raw.push((performance.now() - started) * 1000);
      await plugin.close();
    }
    const [o, r] = [median(ours), median(raw)];
    rows.push({
      name: 'Go plugin (go-pdk, 3.3 MB), load to first result: ours vs raw Extism with its own WASI (node:wasi)',
      candidateUs: o,
      baselineUs: r,
      ratio: o / r,
      target: 'report',
      pass: true,
      details: `link + instrument + compile + instantiate + _initialize + first hook (${(o / 1000).toFixed(1)} ms) vs createPlugin(useWasi) + call (${(r / 1000).toFixed(1)} ms)`,
    });
  }
  // The plugin fixtures have the `work` command (the sieve); the SDK fixtures do not.
  for (const fixture of built.filter((b) => b.skipped === undefined && b.name.endsWith('-plugin'))) {
    rows.push(await fuelRow(LANGUAGE[fixture.name.split('-')[0] ?? ''] ?? fixture.name, new Uint8Array(await readFile(fixture.outFile))));
  }
  const served = ['c-plugin', 'go-plugin'].map((name) => built.find((b) => b.name === name && b.skipped === undefined)).find((b) => b !== undefined);
  if (served !== undefined) rows.push(await workerRow(LANGUAGE[served.name.split('-')[0] ?? ''] ?? served.name, new Uint8Array(await readFile(served.outFile))));
  for (const fixture of built.filter((b) => b.skipped === undefined)) {
    const bytes = new Uint8Array(await readFile(fixture.outFile));
    const times: number[] = [];
    let out = 0;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      out = instrument(linkWasi(bytes)).bytes.byteLength;
      times.push(performance.now() - started);
    }
    const ms = median(times);
    rows.push({
      name: `instrumenter on the ${fixture.name} fixture (${(bytes.byteLength / 1024).toFixed(0)} KiB)`,
      candidateUs: ms * 1000,
      baselineUs: ms * 1000,
      ratio: 1,
      target: 'report',
      pass: true,
      details: `${(bytes.byteLength / 1e6 / (ms / 1000)).toFixed(0)} MB/s, output ${(out / bytes.byteLength).toFixed(2)}× the input`,
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) printTable(await runWasiBench());
