/**
 * Compiles a plugin's AssemblyScript with the SDK's flags, using the project's own compiler
 * (`assemblyscript` in its node_modules), loaded only when a build is needed.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ABORT_ELEMENT, ascFlags } from './asc-flags.ts';

/** asc's entry point, as far as the CLI uses it. */
interface Asc {
  main(argv: string[], options: { stdout: { write(chunk: string | Uint8Array): void }; stderr: { write(chunk: string | Uint8Array): void } }): Promise<{ error: Error | null }>;
}

/** A failed compile: asc's diagnostics, with file, line and column. */
export class CompileError extends Error {
  override readonly name = 'CompileError';
  readonly diagnostics: string;
  constructor(message: string, diagnostics: string) {
    super(message);
    this.diagnostics = diagnostics;
  }
}

/**
 * Finds and loads the AssemblyScript compiler: the project's own (walking up node_modules),
 * else the one beside this package.
 *
 * @throws Error telling how to install it when there is none.
 */
export async function loadCompiler(projectDir: string): Promise<Asc> {
  for (let dir = projectDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', 'assemblyscript', 'dist', 'asc.js');
    if (existsSync(candidate)) return ((await import(pathToFileURL(candidate).href)) as { default: Asc }).default;
    if (dirname(dir) === dir) break;
  }
  try {
    return ((await import('assemblyscript/asc')) as { default: Asc }).default;
  } catch {
    throw new Error('the AssemblyScript compiler is not installed: npm install --save-dev assemblyscript');
  }
}

/**
 * Compiles `entry` to `outFile` (paths absolute), with `projectDir` as asc's base directory.
 *
 * @throws CompileError with asc's diagnostics.
 */
export async function compileAssemblyScript(projectDir: string, entry: string, outFile: string): Promise<void> {
  const asc = await loadCompiler(projectDir);
  const rel = (path: string) => relative(projectDir, path).split(sep).join('/');
  let output = '';
  const sink = { write: (chunk: string | Uint8Array) => void (output += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk)) };
  const result = await asc.main([rel(entry), '--outFile', rel(outFile), '--baseDir', projectDir, ...ascFlags(PACKAGE_ABORT_ELEMENT)], { stdout: sink, stderr: sink });
  if (result.error !== null) throw new CompileError(`AssemblyScript compile of ${rel(entry)} failed: ${result.error.message}`, output.trim());
}
