/**
 * The AssemblyScript compiler flags every ReedCMS plugin is built with: one definition, used by
 * `reed-plugin build` and by this repository's own builds (scripts/lib/build-assemblyscript.ts).
 */

/**
 * The SDK's abort handler as asc names it from a project that has the package installed (asc
 * resolves `~lib/<package>/…` in node_modules, walking up from the project).
 */
export const PACKAGE_ABORT_ELEMENT = '~lib/@reedcms/plugins/sdk/assembly/abort/reedAbort';

/**
 * The flags. The incremental runtime survives repeated calls on one instance (the stub runtime
 * broke on the second call); the SDK's abort handler replaces the `env.abort` import an Extism
 * host does not provide; `--debug` keeps function names (the name section, ~10% of the module;
 * the code is the same), so traps and fuel profiles name functions.
 */
export function ascFlags(abortElement: string): string[] {
  return ['--runtime', 'incremental', '--use', `abort=${abortElement}`, '--optimizeLevel', '3', '--shrinkLevel', '0', '--debug', '--noColors'];
}
