/**
 * The conformance suite on Deno: the `deno` npm package's binary runs
 * test/runtimes/deno/run-suite.ts (the package's deno entry, from source) and reports per case.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/lib/build-assemblyscript.ts';
import { denoSourceImportMap } from '../../scripts/lib/runtime-aliases.ts';
import { buildConformancePlugins } from '../conformance/build-plugins.ts';
import { describeRemoteSuite, parseResults } from './support/remote-cases.ts';

/**
 * Runs a Deno script with read/env permissions; resolves with its stdout+stderr.
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

describeRemoteSuite('deno', async () => {
  const root = await buildConformancePlugins();
  return parseResults(await runDeno(['test/runtimes/deno/run-suite.ts', root]));
});
