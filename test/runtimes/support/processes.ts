/**
 * Child processes for runtime tests: a free port, a server process started and stopped by its
 * own handle (never by name), and waiting until it answers HTTP.
 *
 * @example
 * ```ts
 * const port = await freePort();
 * const server = startProcess('node_modules/.bin/workerd', ['serve', configPath]);
 * await waitForHttp(`http://127.0.0.1:${port}/`, server);
 * await server.stop();
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * A TCP port nothing listens on right now (asked from the OS).
 *
 * @example
 * ```ts
 * const port = await freePort();
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A running child process with its captured output. */
export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

/**
 * Starts a long-running process, capturing stdout and stderr.
 *
 * @example
 * ```ts
 * const p = startProcess('deno', ['run', 'server.ts'], { cwd });
 * ```
 */
export function startProcess(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunningProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let done = false;
  child.stdout?.on('data', (d: Buffer) => (output += d));
  child.stderr?.on('data', (d: Buffer) => (output += d));
  child.on('exit', () => (done = true));
  child.on('error', (err) => {
    output += `\n${String(err)}`;
    done = true;
  });
  return {
    child,
    output: () => output,
    exited: () => done,
    stop: () =>
      new Promise((resolve) => {
        if (done) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      }),
  };
}

/**
 * Polls `url` until it answers (any status), failing early when the process exits.
 *
 * @example
 * ```ts
 * await waitForHttp('http://127.0.0.1:8787/', server, 20_000);
 * ```
 */
export async function waitForHttp(url: string, server: RunningProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exited()) throw new Error(`the server exited before answering ${url}:\n${server.output().slice(-4000)}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms:\n${server.output().slice(-4000)}`);
}
