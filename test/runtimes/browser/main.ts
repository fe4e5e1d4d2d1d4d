/**
 * The browser page of the conformance suite: imports the package (the `browser` entry) and the
 * plugins the Vite plugin compiled, runs the suite on the main thread, and leaves the results on
 * `window.__reedResults` for playwright. On a cross-origin isolated page (COOP/COEP headers,
 * isolated.html) worker isolation is expected to work too (the expectation follows the page, not
 * `crossOriginIsolated`, so missing headers fail the capability case).
 */
import * as pkg from '@reedcms/plugins';
import plugins from 'virtual:reed-plugins';
import { WASI_SUITE_PLUGINS } from '../../conformance/plugins.ts';
import { runSuite, type CaseResult, type SuiteInput } from '../../conformance/suite.ts';

declare global {
  interface Window {
    __reedResults?: CaseResult[] | { error: string };
  }
}

const byId: SuiteInput['plugins'] = {};
for (const p of plugins) byId[p.id] = { manifest: p.manifest, wasm: p.wasm };
// The WASI plugins as built (serve.ts), for the case that runs them unmetered in a worker.
const builtWasi: Record<string, Uint8Array> = {};
for (const { id } of WASI_SUITE_PLUGINS) {
  const response = await fetch(`/built-modules/${id}.wasm`);
  if (response.ok) builtWasi[id] = new Uint8Array(await response.arrayBuffer());
}
const only = new URLSearchParams(location.search).get('only') ?? undefined;
runSuite({ pkg: pkg as unknown as SuiteInput['pkg'], runtime: 'browser', plugins: byId, builtWasi, expectWorkers: location.pathname.endsWith('/isolated.html') }, only).then(
  (results) => {
    window.__reedResults = results;
    document.getElementById('out')!.textContent = JSON.stringify(results, null, 2);
  },
  (err: unknown) => {
    window.__reedResults = { error: String(err) };
  },
);
