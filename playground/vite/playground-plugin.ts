/**
 * The playground's Vite plugin: builds every catalog plugin from source before the bundle
 * (the repository's own asc flags and freshness check), and serves three virtual modules:
 *
 * - `virtual:playground/examples`: the catalog: each plugin's input, its built .wasm and the same
 *   module instrumented for the default limits (asset URLs, fetched when the entry is opened),
 *   and a loader of its source and manifest (`virtual:playground/example/<id>`, a chunk of its
 *   own: the page downloads the texts of the entries it opens, not of the whole menu);
 * - `virtual:playground/error-codes`: each PluginError code's meaning, read from the JSDoc of
 *   `ErrorCodes` in src/errors.ts (the one place codes are explained);
 * - `virtual:playground/sdk-files`: sdk/ as the in-browser compiler sees it, under
 *   node_modules/@reedcms/plugins/ (imported by the compiler worker only).
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { buildAssemblyScript, REPO_ROOT } from '../../scripts/lib/build-assemblyscript.ts';
import { parseManifest } from '../../src/manifest/parse-manifest.ts';
import { instrumentForLimits } from '../../src/plugin/apply-limits.ts';
import { instrumentationKey, resolveLimits } from '../../src/plugin/limits.ts';
import { CATALOG, type CatalogEntry } from './catalog.ts';

/** Where the catalog's plugins are built (gitignored, like every build output). */
export const PLUGIN_BUILD_DIR = join(REPO_ROOT, 'build', 'playground-plugins');

/** Cross-origin isolation (SharedArrayBuffer, which worker isolation needs): dev server, preview and `_headers`. */
export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** Where the SDK sits in the compiler's virtual file system (as in an installed project). */
export const SDK_MOUNT = 'node_modules/@reedcms/plugins/';

const MODULES = {
  examples: 'virtual:playground/examples',
  errorCodes: 'virtual:playground/error-codes',
  sdkFiles: 'virtual:playground/sdk-files',
} as const;

/** One catalog entry's texts: `virtual:playground/example/<id>`. */
const EXAMPLE_TEXTS = 'virtual:playground/example/';

/**
 * Rewrites the repository-relative SDK import (`"../../../../sdk/assembly/index"`) to the
 * package name a plugin author writes, which the in-browser compiler resolves.
 */
export function toPackageImports(source: string): string {
  return source.replace(/(["'])(?:\.\.\/)+sdk\/assembly(?:\/index)?\1/g, '"@reedcms/plugins/sdk"');
}

/**
 * Each error code's one-line meaning, from the JSDoc comment above it in `ErrorCodes`.
 */
export async function errorCodeMeanings(): Promise<Record<string, string>> {
  const text = await readFile(join(REPO_ROOT, 'src', 'errors.ts'), 'utf8');
  const block = text.slice(text.indexOf('export const ErrorCodes'), text.indexOf('} as const;'));
  const meanings: Record<string, string> = {};
  for (const m of block.matchAll(/\/\*\*\s*([\s\S]*?)\s*\*\/\s*[A-Z_]+: '(E_[A-Z_]+)'/g)) {
    meanings[m[2]!] = m[1]!.replace(/\s*\n\s*\*\s*/g, ' ');
  }
  return meanings;
}

async function sdkFiles(): Promise<Record<string, string>> {
  const sdk = join(REPO_ROOT, 'sdk');
  const files: Record<string, string> = { [`${SDK_MOUNT}sdk/index.ts`]: await readFile(join(sdk, 'index.ts'), 'utf8') };
  for (const entry of await readdir(join(sdk, 'assembly'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    files[
      `${SDK_MOUNT}${path
        .slice(REPO_ROOT.length + 1)
        .split('\\')
        .join('/')}`
    ] = await readFile(path, 'utf8');
  }
  return files;
}

/**
 * Instruments a built example for the limits the page opens with (the package's defaults, each
 * lowered by the manifest's `[limits]`), exactly as the manager would at load, so opening an
 * example does not download the rewriter. `key` names those limits (the manager's module-cache
 * key): the runner uses this module only while the limits chosen give the same key, and
 * instruments the raw module in the tab otherwise.
 */
async function prepareExample(wasmFile: string, manifest: string, id: string): Promise<{ file: string; key: string }> {
  const requested = parseManifest(manifest).limits;
  const file = join(PLUGIN_BUILD_DIR, `${id}.instrumented.wasm`);
  await writeFile(file, instrumentForLimits(new Uint8Array(await readFile(wasmFile)), {}, requested));
  return { file, key: instrumentationKey(resolveLimits({}, requested)) };
}

async function examplesModule(): Promise<string> {
  const lines: string[] = [];
  const entries: string[] = [];
  for (const [i, entry] of CATALOG.entries()) {
    const { outFile } = await buildAssemblyScript({ entry: entry.source, outFile: join(PLUGIN_BUILD_DIR, `${entry.id}.wasm`) });
    const prepared = await prepareExample(outFile, await readFile(join(REPO_ROOT, entry.manifest), 'utf8'), entry.id);
    lines.push(`import wasm${i} from ${JSON.stringify(`${outFile}?url`)};`, `import prepared${i} from ${JSON.stringify(`${prepared.file}?url`)};`);
    const { id, title, group, run, input, mocks = [] } = entry;
    const wasmBytes = (await readFile(outFile)).byteLength;
    entries.push(
      `{ ...${JSON.stringify({ id, title, group, run, input, mocks, wasmBytes })}, wasmUrl: wasm${i}, prepared: { url: prepared${i}, key: ${JSON.stringify(prepared.key)} }, texts: () => import(${JSON.stringify(EXAMPLE_TEXTS + id)}) }`,
    );
  }
  return `${lines.join('\n')}\nexport default [\n${entries.join(',\n')}\n];\n`;
}

async function exampleTextsModule(entry: CatalogEntry): Promise<string> {
  const source = toPackageImports(await readFile(join(REPO_ROOT, entry.source), 'utf8'));
  const manifest = await readFile(join(REPO_ROOT, entry.manifest), 'utf8');
  return `export const source = ${JSON.stringify(source)};\nexport const manifest = ${JSON.stringify(manifest)};\n`;
}

/**
 * The plugin, for playground/vite.config.ts.
 */
export function playgroundPlugin(): Plugin {
  const resolved = (name: string) => `\0${name}`;
  return {
    name: 'reed-playground',
    resolveId(id) {
      return (Object.values(MODULES) as string[]).includes(id) || id.startsWith(EXAMPLE_TEXTS) ? resolved(id) : undefined;
    },
    // `_headers` (Netlify, Cloudflare Pages and others read it): the same headers for every path.
    generateBundle() {
      const lines = Object.entries(ISOLATION_HEADERS).map(([k, v]) => `  ${k}: ${v}`);
      if (this.environment.config.consumer === 'client' && !this.environment.config.isWorker) this.emitFile({ type: 'asset', fileName: '_headers', source: `/*\n${lines.join('\n')}\n` });
    },
    async load(id) {
      if (id === resolved(MODULES.examples)) return examplesModule();
      if (id === resolved(MODULES.errorCodes)) return `export default ${JSON.stringify(await errorCodeMeanings())};`;
      if (id === resolved(MODULES.sdkFiles)) return `export default ${JSON.stringify(await sdkFiles())};`;
      const entry = id.startsWith(resolved(EXAMPLE_TEXTS)) ? CATALOG.find((e) => e.id === id.slice(resolved(EXAMPLE_TEXTS).length)) : undefined;
      if (entry !== undefined) return exampleTextsModule(entry);
      return undefined;
    },
  };
}
