/**
 * The code of `virtual:reed-plugins`, in the two shapes runtimes need:
 * - `import`: each module is a separate `.wasm` file imported by the bundle (workerd compiles
 *   those at deploy time and hands the Worker a `WebAssembly.Module`; it refuses run-time compile);
 * - `compile`: the bytes are inlined and compiled when the bundle loads (browsers, Deno, Node).
 */
import { CHECKED_METADATA_KEY } from '../manifest/checked-metadata.ts';
import type { PreparedPlugin } from './prepare-folder.ts';

/**
 * How a plugin's module reaches the bundle.
 *
 * @example
 * ```ts
 * const delivery: WasmDelivery = 'import'; // separate .wasm files, as workerd needs
 * reedPlugins({ pluginDir: 'plugins', delivery });
 * ```
 */
export type WasmDelivery = 'import' | 'compile';

/**
 * The module source for a list of prepared plugins. `importPath(plugin)` names the `.wasm`
 * import in `import` delivery.
 *
 * @example
 * ```ts
 * virtualModuleCode(plugins, 'compile'); // 'const p0 = WebAssembly.compile(…); export default [{ id, manifest, wasm: await p0 }]'
 * ```
 */
export function virtualModuleCode(plugins: readonly PreparedPlugin[], delivery: WasmDelivery, importPath: (plugin: PreparedPlugin) => string = () => ''): string {
  const lines: string[] = [];
  if (delivery === 'import') {
    plugins.forEach((p, i) => lines.push(`import wasm${i} from ${JSON.stringify(importPath(p))};`));
  } else {
    lines.push('const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));');
    // Compiled concurrently, awaited once: top-level await needs an ES2022 build target.
    lines.push(`const [${plugins.map((_, i) => `wasm${i}`).join(', ')}] = await Promise.all([`);
    for (const p of plugins) lines.push(`  WebAssembly.compile(bytes(${JSON.stringify(base64(p.wasm))})),`);
    lines.push(']);');
  }
  // The metadata checked here rides along (src/manifest/checked-metadata.ts): the page reads no TOML.
  lines.push(`const checked = Symbol.for(${JSON.stringify(CHECKED_METADATA_KEY)});`);
  lines.push('const plugins = [');
  plugins.forEach((p, i) => lines.push(`  { id: ${JSON.stringify(p.id)}, manifest: ${JSON.stringify(p.manifest)}, [checked]: ${JSON.stringify(p.metadata)}, wasm: wasm${i} },`));
  lines.push('];');
  lines.push('export default plugins;');
  return lines.join('\n');
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
