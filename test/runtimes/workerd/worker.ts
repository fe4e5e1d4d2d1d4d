/**
 * The test Worker: runs the conformance suite inside workerd when asked over HTTP.
 * `GET /run` (optionally `?only=<case substring>`) answers `{"results":[…]}`. Plugins come
 * precompiled and pre-instrumented from the Vite plugin (`virtual:reed-plugins`), imported as
 * `.wasm` modules, since workerd refuses to compile WebAssembly at run time.
 */
import * as pkg from '@reedcms/plugins';
import plugins from 'virtual:reed-plugins';
import { runSuite, type SuiteInput } from '../../conformance/suite.ts';

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== '/run') return new Response('not found', { status: 404 });
    const byId: SuiteInput['plugins'] = {};
    for (const p of plugins) byId[p.id] = { manifest: p.manifest, wasm: p.wasm };
    const results = await runSuite({ pkg: pkg as unknown as SuiteInput['pkg'], runtime: 'workerd', plugins: byId }, url.searchParams.get('only') ?? undefined);
    return Response.json({ results });
  },
};
