/**
 * Runs a script of the repository's in Deno (the `deno` npm package's binary), from the source:
 * the package's `#runtime` import mapped to src/runtime/deno.ts.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../scripts/lib/build-assemblyscript.ts';
import { denoSourceImportMap } from '../../../scripts/lib/runtime-aliases.ts';

/**
 * Runs a Deno script with read/env permissions (more among `args`, before the script); resolves
 * with its stdout+stderr, or rejects when it fails or is still running after `timeoutMs`.
 *
 * @example
 * ```ts
 * const out = await runDeno(['test/runtimes/deno/run-suite.ts', dir]);
 * ```
 */
export function runDeno(args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'deno'), ['run', '--allow-read', '--allow-env', ...denoSourceImportMap(), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`deno exited with ${code}:\n${output.slice(-4000)}`));
    });
  });
}
