/**
 * Compiles AssemblyScript sources from test/instrument/assembly with asc -O3 into
 * build/instrument-test (gitignored), for the AssemblyScript test and the bench.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT_DIR = join(ROOT, 'build', 'instrument-test');

/**
 * Compiles `test/instrument/assembly/<file>` with asc --optimizeLevel 3 and returns the bytes.
 *
 * @example
 * ```ts
 * const bytes = await compileAs('kernel.ts');
 * ```
 */
export async function compileAs(file: string, extraArgs: string[] = []): Promise<Uint8Array<ArrayBuffer>> {
  await mkdir(OUT_DIR, { recursive: true });
  const outFile = join(OUT_DIR, file.replace(/\.ts$/, '.wasm'));
  const asc = join(ROOT, 'node_modules', '.bin', 'asc');
  await promisify(execFile)(asc, [join(import.meta.dirname, 'assembly', file), '--outFile', outFile, '--optimizeLevel', '3', ...extraArgs], { cwd: ROOT });
  return new Uint8Array(await readFile(outFile)) as Uint8Array<ArrayBuffer>;
}
