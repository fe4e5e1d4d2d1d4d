/**
 * WASI stdout: a small log line written with `fd_write` to stdout (how printf and fmt.Println
 * log) against the same text through Extism's `log_info` (its block made in one host call,
 * `reed_block_write`, as sdk/c/reed.h does), 100 lines per call, both through
 * `manager.hooks.execute` on one plugin, so the call itself costs both sides alike. Target:
 * fd_write at most 2× log_info. Run alone: `npm run bench:one -- bench/wasi.ts`.
 */
import { Hooks, PluginManager } from '@reedcms/plugins';
import { compileWat } from '../test/support/wat.ts';
import { compare, printTable, type BenchResult } from './support/measure.ts';

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

if (import.meta.url === `file://${process.argv[1]}`) printTable(await runWasiBench());
