/**
 * Serves the browser conformance page with Vite's dev server: the package's browser entry, the
 * Vite plugin compiling the suite's plugins (inline delivery), the WASI plugins' modules as
 * built under /built-modules/<id>.wasm (the unmetered worker case needs them without a baked
 * fuel budget), and COOP/COEP headers on isolated.html so that page is cross-origin isolated
 * (SharedArrayBuffer, worker isolation).
 *
 * @example
 * ```ts
 * const server = await serveBrowserSuite(pluginDir);
 * console.log(server.url); // http://127.0.0.1:5173/
 * await server.close();
 * ```
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'vite';
import { REPO_ROOT } from '../../../scripts/lib/build-assemblyscript.ts';
import { runtimeAliases } from '../../../scripts/lib/runtime-aliases.ts';
import { reedPlugins } from '../../../src/vite/index.ts';
import { LIMITS } from '../../conformance/plugins.ts';

/**
 * Starts the dev server on a free port.
 *
 * @example
 * ```ts
 * const { url, close } = await serveBrowserSuite('build/conformance/plugins');
 * ```
 */
export async function serveBrowserSuite(pluginDir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await createServer({
    configFile: false,
    root: join(REPO_ROOT, 'test', 'runtimes', 'browser'),
    logLevel: 'warn',
    resolve: {
      alias: { '@reedcms/plugins': join(REPO_ROOT, 'src', 'browser.ts'), ...runtimeAliases(join(REPO_ROOT, 'src', 'browser.ts'), 'browser') },
      conditions: ['browser', 'module', 'import', 'default'],
    },
    plugins: [
      reedPlugins({ pluginDir, limits: LIMITS }),
      {
        name: 'cross-origin-isolation',
        configureServer(server) {
          server.middlewares.use((req, res, next) => {
            // Headers on every response of the isolated page's load (document, modules, workers).
            if ((req.headers.referer ?? '').includes('/isolated.html') || (req.url ?? '').startsWith('/isolated.html')) {
              res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
              res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
            }
            next();
          });
          server.middlewares.use('/built-modules/', (req, res, next) => {
            const id = /^\/([a-z0-9-]+)\.wasm$/.exec(req.url ?? '')?.[1];
            if (id === undefined) return next();
            readFile(join(pluginDir, id, 'plugin.wasm')).then(
              (bytes) => {
                res.setHeader('Content-Type', 'application/wasm');
                res.end(bytes);
              },
              () => {
                res.statusCode = 404;
                res.end();
              },
            );
          });
        },
      },
    ],
    server: { host: '127.0.0.1', port: 0, strictPort: false, fs: { allow: [REPO_ROOT] } },
    // The virtual module awaits its compiles at top level.
    build: { target: 'esnext' },
  });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}
