/**
 * The playground app: `npm run playground` (dev server, http://127.0.0.1:5173) and
 * `npm run playground:build` (a static site in build/playground/, relative asset paths, so any
 * static host serves it; its `_headers` asks hosts that read it for cross-origin isolation).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { runtimeAliases } from '../scripts/lib/runtime-aliases.ts';
import { reedPlugins } from '../src/vite/index.ts';
import { ISOLATION_HEADERS, playgroundPlugin } from './vite/playground-plugin.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  // Vite's dependency cache with the other build outputs (not a node_modules inside playground/).
  cacheDir: here('../build/.vite-playground'),
  resolve: {
    // The package by name, as an app that installed it imports it (its browser entry).
    alias: { '@reedcms/plugins': here('../src/browser.ts'), ...runtimeAliases(here('../src/browser.ts'), 'browser') },
  },
  plugins: [playgroundPlugin()],
  server: { host: '127.0.0.1', port: 5173, headers: ISOLATION_HEADERS, fs: { allow: [here('..')] } },
  preview: { host: '127.0.0.1', port: 4173, headers: ISOLATION_HEADERS },
  // The compiler worker imports the SDK files' virtual module.
  // reedPlugins moves Extism's inline worker script into a file fetched only when worker isolation starts.
  worker: { format: 'es', plugins: () => [playgroundPlugin(), reedPlugins()] },
  build: {
    outDir: here('../build/playground'),
    emptyOutDir: true,
    target: 'esnext',
    // Browsers that run the playground (module workers, SharedArrayBuffer) support modulepreload.
    modulePreload: { polyfill: false },
    // binaryen alone is ~13 MB: it is the lazy compiler chunk, never part of the first load.
    chunkSizeWarningLimit: 20_000,
  },
});
