/**
 * Turns what a caller hands `load` into a manifest plus a way to get the compiled module (or the
 * JS plugin object). Reading the manifest is separate from compiling, so `initialize` can order
 * every plugin by its dependencies before compiling any.
 */
import { ErrorCodes, PluginError, describeError } from '../errors.ts';
import { CHECKED_METADATA, isCheckedMetadata } from '../manifest/checked-metadata.ts';
import { loadManifestParser, loadSemver } from '../manifest/manifest-loader.ts';
import type { PluginMetadata } from '../manifest/types.ts';
import type { RuntimeAdapter } from '../runtime/adapter.ts';
import type { Plugin, PluginSource, WasmInput } from '../plugin/types.ts';

/** Module input as read: bytes (to instrument) with their expected sha256, or a compiled module. */
export type ModuleInput = { bytes: Uint8Array; sha256: string | undefined } | { module: WebAssembly.Module };

/** A source whose manifest has been read and validated. */
export type DescribedSource = { source: PluginSource; metadata: PluginMetadata; origin: string } & ({ kind: 'wasm'; module: () => Promise<ModuleInput> } | { kind: 'js'; plugin: Plugin });

/**
 * Reads and validates a source's manifest; the module is compiled only when `module()` is called.
 *
 * @throws ManifestError, or PluginError `E_IO` when a file cannot be read.
 */
export async function describeSource(source: PluginSource, runtime: RuntimeAdapter): Promise<DescribedSource> {
  const described = await describe(source, runtime);
  // Dependency checks run synchronously later: semver is loaded now for a plugin that has any.
  if (described.metadata.dependencies.length > 0) await loadSemver();
  return described;
}

async function describe(source: PluginSource, runtime: RuntimeAdapter): Promise<DescribedSource> {
  // Sources come from untyped callers too: anything else falls through to one refusal.
  const object = source !== null && typeof source === 'object';
  if (object && 'dir' in source) return describeDir(source, runtime);
  if (object && 'plugin' in source) return describeJsPlugin(source);
  if (object && 'manifest' in source && 'wasm' in source) {
    // Metadata the Vite plugin checked at build time is not read again (nor the reader loaded).
    const checked = CHECKED_METADATA in source ? (source as { [CHECKED_METADATA]?: unknown })[CHECKED_METADATA] : undefined;
    const metadata = isCheckedMetadata(checked) ? checked : (await loadManifestParser())(source.manifest);
    const origin = `manifest ${metadata.id}`;
    return { source, kind: 'wasm', metadata, origin, module: () => moduleFromInput(source.wasm, metadata, runtime) };
  }
  throw new PluginError(ErrorCodes.INVALID_ARGUMENT, 'a plugin source must be { dir }, { manifest, wasm } or { plugin }', { operation: 'load' });
}

async function describeDir(source: { dir: string }, runtime: RuntimeAdapter): Promise<DescribedSource> {
  const { dir } = source;
  if (typeof dir !== 'string' || dir === '') {
    throw new PluginError(ErrorCodes.INVALID_ARGUMENT, '{ dir } must name a folder', { operation: 'load' });
  }
  const manifestPath = runtime.joinPath(dir, 'plugin.toml');
  let text: string;
  try {
    await checkInsideFolder(runtime, dir, manifestPath, undefined);
    text = await runtime.readText(manifestPath);
  } catch (err) {
    if (err instanceof PluginError) throw err;
    throw new PluginError(ErrorCodes.IO, `cannot read ${manifestPath}: ${describeError(err)}`, { cause: err, operation: 'load' });
  }
  const metadata = (await loadManifestParser())(text, manifestPath);
  const wasmPath = runtime.joinPath(dir, metadata.wasm);
  return {
    source,
    kind: 'wasm',
    metadata,
    origin: dir,
    async module() {
      let bytes: Uint8Array;
      await checkInsideFolder(runtime, dir, wasmPath, metadata.id);
      try {
        bytes = await runtime.readBytes(wasmPath);
      } catch (err) {
        throw new PluginError(ErrorCodes.IO, `cannot read the module ${wasmPath}: ${describeError(err)}`, {
          pluginId: metadata.id,
          cause: err,
          operation: 'load',
        });
      }
      return { bytes, sha256: metadata.sha256 };
    },
  };
}

/**
 * Refuses a plugin file that resolves outside its folder through a symlink (the manifest's own
 * paths are already kept relative and free of `..`). A file that does not resolve is left to
 * the read, which reports it.
 */
async function checkInsideFolder(runtime: RuntimeAdapter, dir: string, path: string, pluginId: string | undefined): Promise<void> {
  if (runtime.realPath === undefined) return;
  let root: string;
  let target: string;
  try {
    [root, target] = await Promise.all([runtime.realPath(dir), runtime.realPath(path)]);
  } catch {
    return;
  }
  const base = root.replace(/[\\/]+$/, '');
  if (target.startsWith(`${base}/`) || target.startsWith(`${base}\\`)) return;
  throw new PluginError(ErrorCodes.IO, `${path} resolves to ${target}, outside the plugin folder ${root}: a plugin's files must stay inside its folder (symlinks leaving it are refused)`, {
    pluginId,
    operation: 'load',
  });
}

async function describeJsPlugin(source: { plugin: Plugin }): Promise<DescribedSource> {
  const { plugin } = source;
  if (plugin === null || typeof plugin !== 'object' || plugin.metadata === undefined) {
    throw new PluginError(ErrorCodes.INVALID_ARGUMENT, 'a JS plugin must be an object with `metadata`', { operation: 'load' });
  }
  const metadata = (await loadManifestParser())(plugin.metadata);
  for (const method of ['initialize', 'shutdown', 'handleCommand'] as const) {
    if (plugin[method] !== undefined && typeof plugin[method] !== 'function') {
      throw new PluginError(ErrorCodes.INVALID_ARGUMENT, `\`${method}\` must be a function`, { pluginId: metadata.id, operation: 'load' });
    }
  }
  return { source, kind: 'js', metadata, origin: `js ${metadata.id}`, plugin };
}

async function moduleFromInput(wasm: WasmInput, metadata: PluginMetadata, runtime: RuntimeAdapter): Promise<ModuleInput> {
  if (wasm instanceof WebAssembly.Module) return { module: wasm };
  if (wasm instanceof Uint8Array) return { bytes: wasm, sha256: metadata.sha256 };
  if (wasm instanceof ArrayBuffer) return { bytes: new Uint8Array(wasm), sha256: metadata.sha256 };
  if (wasm instanceof URL) {
    try {
      return { bytes: await runtime.fetchBytes(wasm), sha256: metadata.sha256 };
    } catch (err) {
      throw new PluginError(ErrorCodes.IO, `cannot fetch the module ${wasm.href}: ${describeError(err)}`, { pluginId: metadata.id, cause: err, operation: 'load' });
    }
  }
  throw new PluginError(ErrorCodes.WASM, '`wasm` must be bytes (Uint8Array/ArrayBuffer), a WebAssembly.Module or a URL', { pluginId: metadata.id, operation: 'load' });
}
