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
import { basename, join, relative } from 'node:path';
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

/** One fixture to build: its name's stem, its source (file or folder), what makes it stale. */
interface Source {
  stem: string;
  input: string;
  watch: string[];
}

/** One language: its toolchain, sources, which files count for freshness, and its build. */
interface Family {
  label: string;
  prefix: string;
  tool: Toolchain;
  sources: Source[];
  include: (file: string) => boolean;
  build: (command: string, input: string, outFile: string) => Promise<void>;
}

async function buildC(clang: Toolchain, force: boolean): Promise<NativeBuild[]> {
  const files = (await readdir(C_FIXTURES_DIR)).filter((f) => f.endsWith('.c')).sort();
  const sources = files.map((f) => ({ stem: f.slice(0, -2), input: join(C_FIXTURES_DIR, f), watch: [join(C_FIXTURES_DIR, f), C_SDK_DIR] }));
  return buildFamily({ label: 'C', prefix: 'c', tool: clang, sources, include: (f) => /\.[ch]$/.test(f), build: clangBuild }, force);
}

async function buildGo(go: Toolchain, force: boolean): Promise<NativeBuild[]> {
  // A fixture may build on the Go SDK (sdk/go, by a replace directive): its sources count too.
  const sources = (await folders(GO_FIXTURES_DIR)).map((dir) => ({ stem: basename(dir), input: dir, watch: [dir, join(REPO_ROOT, 'sdk', 'go')] }));
  return buildFamily({ label: 'Go', prefix: 'go', tool: go, sources, include: (f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum', build: goBuild }, force);
}

async function buildRust(cargo: Toolchain, force: boolean): Promise<NativeBuild[]> {
  const sources = (await folders(RUST_FIXTURES_DIR)).map((dir) => ({ stem: basename(dir), input: dir, watch: [dir] }));
  return buildFamily({ label: 'Rust', prefix: 'rust', tool: cargo, sources, include: (f) => f.endsWith('.rs') || f === 'Cargo.toml' || f === 'Cargo.lock', build: cargoBuild }, force);
}

async function buildFamily(family: Family, force: boolean): Promise<NativeBuild[]> {
  const results: NativeBuild[] = [];
  for (const source of family.sources) {
    const name = `${family.prefix}-${source.stem}`;
    const outFile = join(FIXTURE_BUILD_DIR, `${name}.wasm`);
    if (!family.tool.found) results.push({ name, outFile, built: false, skipped: `${family.label} fixture ${name} not built: ${family.tool.missing}` });
    else if (!force && (await isFresh(outFile, source.watch, family.include))) results.push({ name, outFile, built: false });
    else {
      await family.build(family.tool.command, source.input, outFile);
      results.push({ name, outFile, built: true });
    }
  }
  return results;
}

async function folders(parent: string): Promise<string[]> {
  const entries = await readdir(parent, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => join(parent, e.name))
    .sort();
}

/**
 * Builds one C file as a WASI reactor plugin, with the flags every C plugin is built with.
 *
 * @example
 * ```ts
 * await clangBuild('clang', 'plugin.c', 'plugin.wasm');
 * ```
 */
export async function clangBuild(clang: string, input: string, outFile: string): Promise<void> {
  await runTool(clang, [...C_FLAGS, '-I', C_SDK_DIR, '-o', outFile, input], REPO_ROOT, `clang build of ${relative(REPO_ROOT, input)}`);
}

/**
 * Builds one Go module (its go.sum pins go-pdk) as a WASI reactor plugin; Go's caches stay
 * under build/.
 *
 * @example
 * ```ts
 * await goBuild('go', 'test/fixtures/go/plugin', 'build/fixtures/go-plugin.wasm');
 * ```
 */
export async function goBuild(go: string, dir: string, outFile: string): Promise<void> {
  await runTool(go, ['build', '-buildmode=c-shared', '-o', outFile, '.'], dir, `go build of ${relative(REPO_ROOT, dir)}`, {
    GOOS: 'wasip1',
    GOARCH: 'wasm',
    // go.sum pins go-pdk: a build must not rewrite it.
    GOFLAGS: '-mod=readonly',
    GOCACHE: join(REPO_ROOT, 'build', 'go-cache'),
    GOMODCACHE: join(REPO_ROOT, 'build', 'go-mod'),
  });
}

/**
 * Builds one Rust crate (a cdylib; its Cargo.lock pins every crate) for wasm32-wasip1 and copies
 * the module to `outFile`. Crates share one target folder under build/, so their dependencies
 * build once.
 *
 * @example
 * ```ts
 * await cargoBuild('cargo', 'test/fixtures/rust/plugin', 'build/fixtures/rust-plugin.wasm');
 * ```
 */
export async function cargoBuild(cargo: string, dir: string, outFile: string): Promise<void> {
  const targetDir = join(REPO_ROOT, 'build', 'rust-target');
  // --locked refuses to build rather than resolve the dependencies anew.
  await runTool(cargo, ['build', '--release', '--locked', '--target', RUST_WASI_TARGET], dir, `cargo build of ${relative(REPO_ROOT, dir)}`, { CARGO_TARGET_DIR: targetDir });
  // cargo names the artifact after the crate, dashes as underscores.
  const artifact = `${(await crateName(dir)).replaceAll('-', '_')}.wasm`;
  await copyFile(join(targetDir, RUST_WASI_TARGET, 'release', artifact), outFile);
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
