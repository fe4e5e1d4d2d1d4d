/**
 * Compiles one AssemblyScript plugin to an Extism-compatible wasm module with the ReedCMS SDK's
 * flags, skipping the build when the output is newer than every input.
 *
 * @example
 * ```ts
 * await buildAssemblyScript({
 *   entry: 'examples/plugins/seo/assembly/index.ts',
 *   outFile: 'examples/plugins/seo/plugin.wasm',
 * });
 * ```
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ascFlags as sharedAscFlags } from '../../src/cli/asc-flags.ts';

/** Repository root (scripts/lib/ is two levels down). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The SDK sources every plugin is built against. */
export const SDK_DIR = join(REPO_ROOT, 'sdk', 'assembly');

/** Options for {@link buildAssemblyScript}. */
export interface BuildAssemblyScriptOptions {
  /** Entry file (absolute, or relative to the repository root). */
  entry: string;
  /** Output .wasm path (absolute, or relative to the repository root). */
  outFile: string;
  /** Also write the text format next to it (debugging). Default false. */
  textFile?: string;
  /** Extra directories whose .ts files count as inputs for the freshness check. */
  extraInputs?: readonly string[];
  /** Rebuild even when the output looks fresh. Default false. */
  force?: boolean;
  /** Extra asc arguments, appended last. */
  ascArgs?: readonly string[];
}

/** What {@link buildAssemblyScript} did. */
export interface BuildAssemblyScriptResult {
  /** Absolute path of the output module. */
  outFile: string;
  /** False when the output was already newer than every input. */
  built: boolean;
}

/**
 * The asc flags, from the one definition the CLI uses too. asc resolves this internal path of
 * the abort handler against its base directory (the repository root).
 *
 * @example
 * ```ts
 * ascFlags(); // ['--runtime', 'incremental', '--use', 'abort=sdk/assembly/abort/reedAbort', …]
 * ```
 */
export function ascFlags(): string[] {
  return sharedAscFlags('sdk/assembly/abort/reedAbort');
}

/**
 * Compiles `entry` to `outFile`; throws an Error carrying asc's diagnostics when compilation
 * fails. Skipped (returns `built: false`) when `outFile` is newer than the SDK sources and every
 * .ts file in the entry's directory.
 *
 * @example
 * ```ts
 * const { built } = await buildAssemblyScript({ entry: 'test/fixtures/as/assembly/echo.ts', outFile: 'build/fixtures/echo.wasm' });
 * ```
 */
export async function buildAssemblyScript(options: BuildAssemblyScriptOptions): Promise<BuildAssemblyScriptResult> {
  const entry = resolve(REPO_ROOT, options.entry);
  const outFile = resolve(REPO_ROOT, options.outFile);
  const inputDirs = [SDK_DIR, dirname(entry), ...(options.extraInputs ?? []).map((d) => resolve(REPO_ROOT, d))];

  if (!options.force && (await isFresh(outFile, entry, inputDirs))) {
    return { outFile, built: false };
  }

  await mkdir(dirname(outFile), { recursive: true });
  const argv = [
    toAscPath(entry),
    '--outFile',
    toAscPath(outFile),
    ...(options.textFile ? ['--textFile', toAscPath(resolve(REPO_ROOT, options.textFile))] : []),
    '--baseDir',
    REPO_ROOT,
    ...ascFlags(),
    ...(options.ascArgs ?? []),
  ];
  let stdout = '';
  let stderr = '';
  // Imported only when something is stale: loading the compiler alone takes seconds.
  const { default: asc } = await import('assemblyscript/asc');
  const result = await asc.main(argv, {
    stdout: { write: (chunk) => void (stdout += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk)) },
    stderr: { write: (chunk) => void (stderr += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk)) },
  });
  if (result.error) {
    const details = [stderr.trim(), stdout.trim()].filter(Boolean).join('\n');
    throw new Error(`AssemblyScript build of ${relative(REPO_ROOT, entry)} failed: ${result.error.message}\n${details}`, {
      cause: result.error,
    });
  }
  return { outFile, built: true };
}

/** asc wants paths relative to its base directory, with forward slashes. */
function toAscPath(absolute: string): string {
  return relative(REPO_ROOT, absolute).split(sep).join('/');
}

async function isFresh(outFile: string, entry: string, inputDirs: readonly string[]): Promise<boolean> {
  const out = await stat(outFile).catch(() => undefined);
  if (!out) return false;
  const newest = Math.max((await stat(entry)).mtimeMs, ...(await Promise.all(inputDirs.map(newestTsMtime))));
  return out.mtimeMs > newest;
}

/** Newest modification time of any .ts file under `dir` (0 when there is none). */
async function newestTsMtime(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  const times = await Promise.all(entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map(async (e) => (await stat(join(e.parentPath, e.name))).mtimeMs));
  return Math.max(0, ...times);
}
