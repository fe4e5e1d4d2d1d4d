/**
 * Build-time half of the Vite plugin: read a plugin folder, validate its manifest, instrument
 * its module. Node-only (it reads files); the runtime core never imports this.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ErrorCodes, PluginError } from '../errors.ts';
import type { HostLimits } from '../plugin/limits.ts';
import { parseManifest } from '../manifest/parse-manifest.ts';
import type { PluginMetadata } from '../manifest/types.ts';
import { instrumentForLimits } from '../plugin/apply-limits.ts';
import { sha256Hex } from '../util/sha256.ts';

/**
 * One plugin ready to ship: its manifest text and its instrumented module bytes.
 *
 * @example
 * ```ts
 * const { id, manifest, wasm }: PreparedPlugin = await preparePluginFolder('plugins/seo', { fuel: 1_000_000 });
 * ```
 */
export interface PreparedPlugin {
  id: string;
  dir: string;
  metadata: PluginMetadata;
  /** The plugin.toml text, as `manager.load` takes it. */
  manifest: string;
  /** The instrumented module. */
  wasm: Uint8Array<ArrayBuffer>;
  /** Short content hash of the instrumented module (for file names). */
  hash: string;
  /** Files the result depends on (for watch mode). */
  files: string[];
}

/**
 * Reads `dir/plugin.toml` and its module, checks the manifest (every problem at once, as
 * `ManifestError`) and the optional sha256, and instruments the module under `limits` capped
 * by the manifest's `[limits]`.
 *
 * @example
 * ```ts
 * const seo = await preparePluginFolder('examples/plugins/seo', { fuel: 1_000_000 });
 * seo.wasm; // instrumented bytes
 * ```
 */
export async function preparePluginFolder(dir: string, limits: HostLimits = {}): Promise<PreparedPlugin> {
  const root = resolve(dir);
  const manifestPath = join(root, 'plugin.toml');
  const manifest = await readFile(manifestPath, 'utf8');
  const metadata = parseManifest(manifest, manifestPath);
  const wasmPath = join(root, metadata.wasm);
  const original = new Uint8Array(await readFile(wasmPath));
  if (metadata.sha256 !== undefined) {
    const actual = await sha256Hex(original);
    if (actual !== metadata.sha256) throw new PluginError(ErrorCodes.WASM, `${wasmPath}: sha256 is ${actual}, plugin.toml expects ${metadata.sha256}`, { pluginId: metadata.id, operation: 'build' });
  }
  const wasm = instrumentForLimits(original, limits, metadata.limits);
  const hash = createHash('sha256').update(wasm).digest('hex').slice(0, 12);
  return { id: metadata.id, dir: root, metadata, manifest, wasm, hash, files: [manifestPath, wasmPath] };
}

/**
 * The plugin folders under `root` (every subfolder holding a plugin.toml), sorted.
 *
 * @example
 * ```ts
 * await listPluginFolders('examples/plugins'); // ['/…/examples/plugins/seo', …]
 * ```
 */
export async function listPluginFolders(root: string): Promise<string[]> {
  const entries = await readdir(resolve(root), { withFileTypes: true });
  const dirs: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = join(resolve(root), entry.name);
    if (
      await stat(join(dir, 'plugin.toml')).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      dirs.push(dir);
  }
  return dirs.sort();
}
