/**
 * Builds the C and Go plugin fixtures from source, as WASI reactors, beside the AssemblyScript
 * ones (build/fixtures/):
 *
 * - `test/fixtures/c/<name>.c` → `<name>.wasm` with clang `--target=wasm32-wasi -O2
 *   -mexec-model=reactor` against sdk/c/reed.h;
 * - `test/fixtures/go/<name>/` (a Go module pinning github.com/extism/go-pdk in go.mod/go.sum)
 *   → `go-<name>.wasm` with `GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared`; Go's
 *   caches stay under build/ (not in git).
 *
 * Each is skipped when up to date, or when its toolchain is missing (reported in the result).
 *
 * @example
 * ```ts
 * for (const r of await buildNativeFixtures()) if (r.skipped) console.warn(r.skipped);
 * ```
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './build-assemblyscript.ts';
import { FIXTURE_BUILD_DIR } from './build-fixtures.ts';
import { findClang, findGo, isFresh, type Toolchain } from './native-toolchains.ts';

const run = promisify(execFile);

/** C fixture sources, one plugin per .c file. */
export const C_FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures', 'c');
/** Go fixture modules, one plugin per folder. */
export const GO_FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures', 'go');
/** The C SDK header. */
export const C_SDK_DIR = join(REPO_ROOT, 'sdk', 'c');

/**
 * The flags every C plugin is built with (docs/abi.md, "C"). The 1 MiB stack: wasm-ld's default
 * of 64 KiB lets deep recursion run off the bottom of C's stack (an out-of-bounds trap, after
 * overwriting the plugin's own data) long before the host's call-depth limit stops it.
 */
export const C_FLAGS = ['--target=wasm32-wasi', '-O2', '-mexec-model=reactor', '-Wl,-z,stack-size=1048576'] as const;

/** One native fixture's outcome. */
export interface NativeBuild {
  /** The fixture's name as `readFixture` takes it (`c-plugin`, `go-plugin`). */
  name: string;
  outFile: string;
  built: boolean;
  /** Why it was not built (a missing toolchain), when it was not. */
  skipped?: string;
}

/**
 * Builds every C and Go fixture.
 *
 * @example
 * ```ts
 * await buildNativeFixtures({ force: true });
 * ```
 */
export async function buildNativeFixtures(options: { force?: boolean } = {}): Promise<NativeBuild[]> {
  await mkdir(FIXTURE_BUILD_DIR, { recursive: true });
  return [...(await buildC(findClang(), options.force ?? false)), ...(await buildGo(findGo(), options.force ?? false))];
}

async function buildC(clang: Toolchain, force: boolean): Promise<NativeBuild[]> {
  const sources = (await readdir(C_FIXTURES_DIR)).filter((f) => f.endsWith('.c')).sort();
  const results: NativeBuild[] = [];
  for (const source of sources) {
    const name = `c-${source.slice(0, -2)}`;
    const outFile = join(FIXTURE_BUILD_DIR, `${name}.wasm`);
    if (!clang.found) {
      results.push({ name, outFile, built: false, skipped: `C fixture ${name} not built: ${clang.missing}` });
      continue;
    }
    const input = join(C_FIXTURES_DIR, source);
    if (!force && (await isFresh(outFile, [input, C_SDK_DIR], (f) => /\.[ch]$/.test(f)))) {
      results.push({ name, outFile, built: false });
      continue;
    }
    await runTool(clang.command, [...C_FLAGS, '-I', C_SDK_DIR, '-o', outFile, input], REPO_ROOT, `clang build of ${relative(REPO_ROOT, input)}`);
    results.push({ name, outFile, built: true });
  }
  return results;
}

async function buildGo(go: Toolchain, force: boolean): Promise<NativeBuild[]> {
  const entries = await readdir(GO_FIXTURES_DIR, { withFileTypes: true });
  const results: NativeBuild[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const name = `go-${entry.name}`;
    const outFile = join(FIXTURE_BUILD_DIR, `${name}.wasm`);
    if (!go.found) {
      results.push({ name, outFile, built: false, skipped: `Go fixture ${name} not built: ${go.missing}` });
      continue;
    }
    const dir = join(GO_FIXTURES_DIR, entry.name);
    // A fixture may build on the Go SDK (sdk/go, by a replace directive): its sources count too.
    if (!force && (await isFresh(outFile, [dir, join(REPO_ROOT, 'sdk', 'go')], (f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum'))) {
      results.push({ name, outFile, built: false });
      continue;
    }
    await runTool(go.command, ['build', '-buildmode=c-shared', '-o', outFile, '.'], dir, `go build of ${relative(REPO_ROOT, dir)}`, {
      GOOS: 'wasip1',
      GOARCH: 'wasm',
      // go.sum pins go-pdk: a build must not rewrite it.
      GOFLAGS: '-mod=readonly',
      GOCACHE: join(REPO_ROOT, 'build', 'go-cache'),
      GOMODCACHE: join(REPO_ROOT, 'build', 'go-mod'),
    });
    results.push({ name, outFile, built: true });
  }
  return results;
}

async function runTool(command: string, args: string[], cwd: string, what: string, env: Record<string, string> = {}): Promise<void> {
  try {
    await run(command, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 16 << 20 });
  } catch (err) {
    const { stderr, stdout } = err as { stderr?: string; stdout?: string };
    throw new Error(`${what} failed:\n${[stderr, stdout].filter(Boolean).join('\n').trim()}`, { cause: err });
  }
}
