/**
 * What to do about an import the host does not provide: the fix for the ones authors meet
 * (AssemblyScript's `env.*`, WASI), used by the `E_LINK` message and by `reed-plugin check`.
 */

const ENV_HINTS: Readonly<Record<string, string>> = {
  abort: "AssemblyScript's abort handler: build with `reed-plugin build` (it passes `--use abort=~lib/@reedcms/plugins/sdk/assembly/abort/reedAbort`)",
  seed: 'Math.random is not available in plugins (no host randomness keeps them deterministic): remove Math.random, or take a seed from the hook data',
  'Date.now': 'Date.now is not available in plugins (no clock): pass the time in the hook data',
  trace: 'trace() is not available in plugins: log with Log.info from the SDK',
};

/**
 * A one-line fix for a missing import, or undefined when there is nothing better to say than
 * its name.
 */
export function importHint(module: string, name: string): string | undefined {
  if (module === 'env') return ENV_HINTS[name] ?? 'the `env` namespace is not provided (AssemblyScript: build with `reed-plugin build`; other languages: do not import from env)';
  if (module === 'wasi_snapshot_preview1')
    return 'WASI is served to modules loaded as bytes (linked at load): a WebAssembly.Module compiled elsewhere must be built with precompile() or the Vite plugin';
  if (module === 'wasi_unstable') return 'the old WASI snapshot (wasi_unstable) is not provided: build for wasi_snapshot_preview1 (wasip1)';
  if (module === 'extism:host/user') return `not a ReedCMS host function (docs/abi.md lists them); a function the host supplies must be declared: { HostFunction = "extism:host/user.${name}" }`;
  if (module === 'extism:host/env' || module.startsWith('reed:')) return undefined;
  return `a function the host supplies must be declared: { HostFunction = "${module}.${name}" }`;
}

/** The missing imports as one readable list, each with its hint. */
export function describeMissingImports(imports: readonly { module: string; name: string; kind: string }[]): string {
  return imports
    .map(({ module, name, kind }) => {
      const hint = importHint(module, name);
      return `${module}.${name} (${kind})${hint === undefined ? '' : `: ${hint}`}`;
    })
    .join('; ');
}
