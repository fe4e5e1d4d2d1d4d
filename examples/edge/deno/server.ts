/**
 * The edge CMS on Deno: `Deno.serve` with the example plugins loaded from their folders
 * (examples/plugins, built by `npm run build:plugins`).
 *
 * @example
 * ```sh
 * npm run build:plugins
 * npx deno run --allow-read --allow-env --allow-net --import-map examples/edge/deno/import-map.json examples/edge/deno/server.ts 8000
 * curl http://127.0.0.1:8000/plugins-at-the-edge
 * ```
 */
import { PluginManager } from '@reedcms/plugins';
import { createEdgeApp, EXAMPLE_PLUGIN_CONFIG } from '../app.ts';

declare const Deno: {
  args: string[];
  serve(options: { port: number; hostname: string; onListen?: (addr: { port: number }) => void }, handler: (request: Request) => Promise<Response>): unknown;
};

const pluginDir = new URL('../../plugins', import.meta.url).pathname;
const manager = new PluginManager({ pluginDir, plugins: EXAMPLE_PLUGIN_CONFIG });
const { loaded, failed } = await manager.initialize();
if (failed.length > 0) console.error(`plugins that failed: ${failed.map((f) => `${f.id}: ${f.error?.message}`).join('; ')}`);
const app = await createEdgeApp(manager, 'deno');
const port = Number(Deno.args[0] ?? 8000);
Deno.serve({ port, hostname: '127.0.0.1', onListen: ({ port }) => console.log(`reed edge CMS on http://127.0.0.1:${port}/ (${loaded.length} plugins)`) }, (request) => app.handle(request));
