/**
 * The edge CMS as a Cloudflare Worker. The example plugins arrive precompiled and instrumented
 * by the Vite plugin (`virtual:reed-plugins`, imported `.wasm` modules: workerd cannot compile
 * WebAssembly at run time); the manager and the CMS are set up once per isolate.
 *
 * @example
 * ```sh
 * node --import tsx examples/edge/cloudflare/build.ts        # → build/edge-cloudflare/{worker.js,config.capnp}
 * npx workerd serve build/edge-cloudflare/config.capnp
 * ```
 */
import { PluginManager } from '@reedcms/plugins';
import plugins from 'virtual:reed-plugins';
import { createEdgeApp, EXAMPLE_PLUGIN_CONFIG, type EdgeApp } from '../app.ts';

let app: Promise<EdgeApp> | undefined;

async function setup(): Promise<EdgeApp> {
  const manager = new PluginManager({ plugins: EXAMPLE_PLUGIN_CONFIG, sources: plugins.map(({ manifest, wasm }) => ({ manifest, wasm })) });
  const { failed } = await manager.initialize();
  if (failed.length > 0) console.error(`plugins that failed: ${failed.map((f) => `${f.id}: ${f.error?.message}`).join('; ')}`);
  return createEdgeApp(manager, 'workerd');
}

export default {
  async fetch(request: Request): Promise<Response> {
    app ??= setup();
    return (await app).handle(request);
  },
};
