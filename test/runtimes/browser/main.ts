/**
 * The browser page of the conformance suite: imports the package (the `browser` entry) and the
 * plugins the Vite plugin compiled, runs the suite on the main thread, and leaves the results on
 * `window.__reedResults` for playwright. On a cross-origin isolated page (COOP/COEP headers,
 * isolated.html) worker isolation is expected to work too (the expectation follows the page, not
 * `crossOriginIsolated`, so missing headers fail the capability case).
 */
import * as pkg from '@reedcms/plugins';
import plugins from 'virtual:reed-plugins';
import { runSuite, type CaseResult, type SuiteInput } from '../../conformance/suite.ts';

declare global {
  interface Window {
    __reedResults?: CaseResult[] | { error: string };
  }
}

const byId: SuiteInput['plugins'] = {};
for (const p of plugins) byId[p.id] = { manifest: p.manifest, wasm: p.wasm };
const only = new URLSearchParams(location.search).get('only') ?? undefined;
runSuite({ pkg: pkg as unknown as SuiteInput['pkg'], runtime: 'browser', plugins: byId, expectWorkers: location.pathname.endsWith('/isolated.html') }, only).then(
  (results) => {
    window.__reedResults = results;
    document.getElementById('out')!.textContent = JSON.stringify(results, null, 2);
  },
  (err: unknown) => {
    window.__reedResults = { error: String(err) };
  },
);
