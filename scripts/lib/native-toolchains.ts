/**
 * Finds the native toolchains the C, Go and Rust fixtures need, and the freshness check their
 * builders share. A missing tool is not an error: the builders skip, and the tests that need
 * the module skip with a line naming the tool (never silently).
 *
 * @example
 * ```ts
 * const clang = findClang();
 * if (!clang.found) console.warn(`skipping C plugins: ${clang.missing}`);
 * ```
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A toolchain that was found (its command), or what is missing. */
export type Toolchain = { found: true; command: string } | { found: false; missing: string };

/** Where wasi-libc's headers live: Debian's package, or a wasi-sdk style sysroot. */
const WASI_LIBC_HEADERS = ['/usr/include/wasm32-wasi/stdio.h', '/usr/share/wasi-sysroot/include/stdio.h'];
const APT_HINT = 'apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32';

/**
 * clang able to build `--target=wasm32-wasi` reactors (clang, wasm-ld, the wasi-libc sysroot).
 *
 * @example
 * ```ts
 * findClang(); // { found: true, command: 'clang' }
 * ```
 */
export function findClang(): Toolchain {
  if (!runs('clang', ['--version'])) return { found: false, missing: `clang not found (${APT_HINT})` };
  if (!runs('wasm-ld', ['--version'])) return { found: false, missing: `wasm-ld (lld) not found (${APT_HINT})` };
  if (!WASI_LIBC_HEADERS.some((path) => existsSync(path))) return { found: false, missing: `wasi-libc not found (${APT_HINT})` };
  return { found: true, command: 'clang' };
}

/** Where Go is preinstalled here when it is not on PATH. */
const GO_FALLBACK = '/usr/local/go/bin/go';

/**
 * Go 1.24 or newer (GOOS=wasip1 with -buildmode=c-shared).
 *
 * @example
 * ```ts
 * findGo(); // { found: true, command: '/usr/local/go/bin/go' }
 * ```
 */
export function findGo(): Toolchain {
  for (const command of ['go', GO_FALLBACK]) {
    const version = output(command, ['env', 'GOVERSION']);
    if (version === undefined) continue;
    const match = /^go1\.(\d+)/.exec(version.trim());
    if (match !== null && Number(match[1]) >= 24) return { found: true, command };
    return { found: false, missing: `Go 1.24+ needed for GOOS=wasip1 -buildmode=c-shared, found ${version.trim()}` };
  }
  return { found: false, missing: 'go not found (Go 1.24+ from https://go.dev/dl)' };
}

/** The Rust target the Rust fixtures build for (a WASI reactor from a cdylib). */
export const RUST_WASI_TARGET = 'wasm32-wasip1';

/**
 * cargo with the standard library of `wasm32-wasip1` installed (`rustup target add wasm32-wasip1`).
 *
 * @example
 * ```ts
 * findCargo(); // { found: true, command: 'cargo' }
 * ```
 */
export function findCargo(): Toolchain {
  if (!runs('cargo', ['--version'])) return { found: false, missing: 'cargo not found (Rust from https://rustup.rs)' };
  const libdir = output('rustc', ['--print', 'target-libdir', '--target', RUST_WASI_TARGET])?.trim();
  if (libdir === undefined || !existsSync(libdir)) return { found: false, missing: `the Rust target ${RUST_WASI_TARGET} is not installed (rustup target add ${RUST_WASI_TARGET})` };
  return { found: true, command: 'cargo' };
}

function runs(command: string, args: string[]): boolean {
  return output(command, args) !== undefined;
}

function output(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/**
 * Whether `outFile` is newer than every file under `inputs` (files or folders, recursively)
 * whose name passes `include`.
 *
 * @example
 * ```ts
 * await isFresh('build/fixtures/c-plugin.wasm', ['test/fixtures/c', 'sdk/c'], (name) => /\.[ch]$/.test(name));
 * ```
 */
export async function isFresh(outFile: string, inputs: readonly string[], include: (name: string) => boolean): Promise<boolean> {
  const out = await stat(outFile).catch(() => undefined);
  if (out === undefined) return false;
  const times = await Promise.all(inputs.map((input) => newestMtime(input, include)));
  return out.mtimeMs > Math.max(0, ...times);
}

async function newestMtime(path: string, include: (name: string) => boolean): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path, { withFileTypes: true, recursive: true });
  const times = await Promise.all(entries.filter((e) => e.isFile() && include(e.name)).map(async (e) => (await stat(join(e.parentPath, e.name))).mtimeMs));
  return Math.max(0, ...times);
}
