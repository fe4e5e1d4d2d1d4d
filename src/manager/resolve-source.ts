/**
 * Turns what a caller hands `load` into a manifest plus a way to get the compiled module (or the
 * JS plugin object). Reading the manifest is separate from compiling, so `initialize` can order
 * every plugin by its dependencies before compiling any.
 */
import { ErrorCodes, PluginError, describeError } from '../errors.ts';
import { parseManifest } from '../manifest/parse-manifest.ts';
import type { PluginMetadata } from '../manifest/types.ts';
import type { RuntimeAdapter } from '../runtime/adapter.ts';
import type { Plugin, PluginSource, WasmInput } from '../plugin/types.ts';
import type { ModuleCache } from './module-cache.ts';

/** A source whose manifest has been read and validated. */
export type DescribedSource = { source: PluginSource; metadata: PluginMetadata; origin: string } & (
  | { kind: 'wasm'; module: () => Promise<WebAssembly.Module> }
  | { kind: 'js'; plugin: Plugin }
);

/**
 * Reads and validates a source's manifest; the module is compiled only when `module()` is called.
 *
 * @throws ManifestError, or PluginError `E_IO` when a file cannot be read.
 *
 * @example
 * ```ts
 * const described = await describeSource({ dir: 'plugins/seo' }, nodeRuntime, cache);
 * described.metadata.id; // 'seo'
 * const module = described.kind === 'wasm' ? await described.module() : undefined;
 * ```
 */
export async function describeSource(source: PluginSource, runtime: RuntimeAdapter, cache: ModuleCache): Promise<DescribedSource> {
  if (source === null || typeof source !== 'object') {
    throw new PluginError(ErrorCodes.UNSUPPORTED, 'a plugin source must be { dir }, { manifest, wasm } or { plugin }', { operation: 'load' });
  }
  if ('dir' in source) return describeDir(source, runtime, cache);
  if ('plugin' in source) return describeJsPlugin(source);
  if ('manifest' in source && 'wasm' in source) {
    const metadata = parseManifest(source.manifest);
    const origin = `manifest ${metadata.id}`;
    return { source, kind: 'wasm', metadata, origin, module: () => moduleFromInput(source.wasm, metadata, runtime, cache) };
  }
  throw new PluginError(ErrorCodes.UNSUPPORTED, 'a plugin source must be { dir }, { manifest, wasm } or { plugin }', { operation: 'load' });
}

async function describeDir(source: { dir: string }, runtime: RuntimeAdapter, cache: ModuleCache): Promise<DescribedSource> {
  const { dir } = source;
  if (typeof dir !== 'string' || dir === '') {
    throw new PluginError(ErrorCodes.UNSUPPORTED, '{ dir } must name a folder', { operation: 'load' });
  }
  const manifestPath = runtime.joinPath(dir, 'plugin.toml');
  let text: string;
  try {
    text = await runtime.readText(manifestPath);
  } catch (err) {
    if (err instanceof PluginError) throw err;
    throw new PluginError(ErrorCodes.IO, `cannot read ${manifestPath}: ${describeError(err)}`, { cause: err, operation: 'load' });
  }
  const metadata = parseManifest(text, manifestPath);
  const wasmPath = runtime.joinPath(dir, metadata.wasm);
  return {
    source,
    kind: 'wasm',
    metadata,
    origin: dir,
    async module() {
      let bytes: Uint8Array;
      try {
        bytes = await runtime.readBytes(wasmPath);
      } catch (err) {
        throw new PluginError(ErrorCodes.IO, `cannot read the module ${wasmPath}: ${describeError(err)}`, {
          pluginId: metadata.id,
          cause: err,
          operation: 'load',
        });
      }
      return compileChecked(bytes, metadata, cache);
    },
  };
}

function describeJsPlugin(source: { plugin: Plugin }): DescribedSource {
  const { plugin } = source;
  if (plugin === null || typeof plugin !== 'object' || plugin.metadata === undefined) {
    throw new PluginError(ErrorCodes.UNSUPPORTED, 'a JS plugin must be an object with `metadata`', { operation: 'load' });
  }
  const metadata = parseManifest(plugin.metadata);
  for (const method of ['initialize', 'shutdown', 'handleCommand'] as const) {
    if (plugin[method] !== undefined && typeof plugin[method] !== 'function') {
      throw new PluginError(ErrorCodes.UNSUPPORTED, `\`${method}\` must be a function`, { pluginId: metadata.id, operation: 'load' });
    }
  }
  return { source, kind: 'js', metadata, origin: `js ${metadata.id}`, plugin };
}

async function moduleFromInput(wasm: WasmInput, metadata: PluginMetadata, runtime: RuntimeAdapter, cache: ModuleCache): Promise<WebAssembly.Module> {
  if (wasm instanceof WebAssembly.Module) return wasm;
  if (wasm instanceof Uint8Array) return compileChecked(wasm, metadata, cache);
  if (wasm instanceof ArrayBuffer) return compileChecked(new Uint8Array(wasm), metadata, cache);
  if (wasm instanceof URL) {
    let bytes: Uint8Array;
    try {
      bytes = await runtime.fetchBytes(wasm);
    } catch (err) {
      throw new PluginError(ErrorCodes.IO, `cannot fetch the module ${wasm.href}: ${describeError(err)}`, { pluginId: metadata.id, cause: err, operation: 'load' });
    }
    return compileChecked(bytes, metadata, cache);
  }
  throw new PluginError(ErrorCodes.WASM, '`wasm` must be bytes (Uint8Array/ArrayBuffer), a WebAssembly.Module or a URL', { pluginId: metadata.id, operation: 'load' });
}

async function compileChecked(bytes: Uint8Array, metadata: PluginMetadata, cache: ModuleCache): Promise<WebAssembly.Module> {
  const { module, sha256 } = await cache.compile(bytes, metadata.id);
  if (metadata.sha256 !== undefined && metadata.sha256 !== sha256) {
    throw new PluginError(ErrorCodes.WASM, `the module's sha256 is ${sha256}, the manifest expects ${metadata.sha256}`, { pluginId: metadata.id, operation: 'load' });
  }
  return module;
}
