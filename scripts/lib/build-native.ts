/**
 * Builds the C, Go and Rust plugin fixtures from source, as WASI reactors, beside the AssemblyScript
 * ones (build/fixtures/):
 *
 * - `test/fixtures/c/<name>.c` → `<name>.wasm` with clang `--target=wasm32-wasi -O2
 *   -mexec-model=reactor` against sdk/c/reed.h;
 * - `test/fixtures/go/<name>/` (a Go module pinning github.com/extism/go-pdk in go.mod/go.sum)
 *   → `go-<name>.wasm` with `GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared`; Go's
 *   caches stay under build/ (not in git);
 * - `test/fixtures/rust/<name>/` (a crate on extism-pdk, pinned by Cargo.lock) → `rust-<name>.wasm`
 *   with `cargo build --release --locked --target wasm32-wasip1`; its target folder under build/.
 *
 * Each is skipped when up to date, or when its toolchain is missing (reported in the result).
 *
 * @example
 * ```ts
 * for (const r of await buildNativeFixtures()) if (r.skipped) console.warn(r.skipped);
 * ```
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './build-assemblyscript.ts';
import { FIXTURE_BUILD_DIR } from './build-fixtures.ts';
import { findCargo, findClang, findGo, isFresh, RUST_WASI_TARGET, type Toolchain } from './native-toolchains.ts';

const run = promisify(execFile);

/** C fixture sources, one plugin per .c file. */
export const C_FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures', 'c');
/** Go fixture modules, one plugin per folder. */
export const GO_FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures', 'go');
/** Rust fixture crates, one plugin per folder. */
export const RUST_FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures', 'rust');
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
  /** The fixture's name as `readFixture` takes it (`c-plugin`, `go-plugin`, `rust-plugin`). */
  name: string;
  outFile: string;
  built: boolean;
  /** Why it was not built (a missing toolchain), when it was not. */
  skipped?: string;
}

/**
 * Builds every C, Go and Rust fixture.
 *
 * @example
 * ```ts
 * await buildNativeFixtures({ force: true });
 * ```
 */
export async function buildNativeFixtures(options: { force?: boolean } = {}): Promise<NativeBuild[]> {
  await mkdir(FIXTURE_BUILD_DIR, { recursive: true });
  const force = options.force ?? false;
  return [...(await buildC(findClang(), force)), ...(await buildGo(findGo(), force)), ...(await buildRust(findCargo(), force))];
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

async function buildRust(cargo: Toolchain, force: boolean): Promise<NativeBuild[]> {
  const entries = await readdir(RUST_FIXTURES_DIR, { withFileTypes: true });
  const results: NativeBuild[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const name = `rust-${entry.name}`;
    const outFile = join(FIXTURE_BUILD_DIR, `${name}.wasm`);
    if (!cargo.found) {
      results.push({ name, outFile, built: false, skipped: `Rust fixture ${name} not built: ${cargo.missing}` });
      continue;
    }
    const dir = join(RUST_FIXTURES_DIR, entry.name);
    if (!force && (await isFresh(outFile, [dir], (f) => f.endsWith('.rs') || f === 'Cargo.toml' || f === 'Cargo.lock'))) {
      results.push({ name, outFile, built: false });
      continue;
    }
    const targetDir = join(REPO_ROOT, 'build', 'rust-target');
    // Cargo.lock pins every crate: --locked refuses to build rather than resolve anew.
    await runTool(cargo.command, ['build', '--release', '--locked', '--target', RUST_WASI_TARGET], dir, `cargo build of ${relative(REPO_ROOT, dir)}`, { CARGO_TARGET_DIR: targetDir });
    // cargo names the artifact after the crate (dashes as underscores): the crate's only cdylib.
    const artifacts = (await readdir(join(targetDir, RUST_WASI_TARGET, 'release'))).filter((f) => f.endsWith('.wasm'));
    const crate = await crateName(dir);
    const artifact = artifacts.find((f) => f === `${crate.replaceAll('-', '_')}.wasm`);
    if (artifact === undefined) throw new Error(`cargo build of ${relative(REPO_ROOT, dir)} wrote no ${crate}.wasm`);
    await copyFile(join(targetDir, RUST_WASI_TARGET, 'release', artifact), outFile);
    results.push({ name, outFile, built: true });
  }
  return results;
}

async function crateName(dir: string): Promise<string> {
  const manifest = await readFile(join(dir, 'Cargo.toml'), 'utf8');
  const match = /^\s*name\s*=\s*"([^"]+)"/m.exec(manifest);
  if (match?.[1] === undefined) throw new Error(`${relative(REPO_ROOT, dir)}/Cargo.toml names no package`);
  return match[1];
}

async function runTool(command: string, args: string[], cwd: string, what: string, env: Record<string, string> = {}): Promise<void> {
  try {
    await run(command, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 16 << 20 });
  } catch (err) {
    const { stderr, stdout } = err as { stderr?: string; stdout?: string };
    throw new Error(`${what} failed:\n${[stderr, stdout].filter(Boolean).join('\n').trim()}`, { cause: err });
  }
}
