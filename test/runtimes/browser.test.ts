/**
 * The conformance suite in Chromium (Debian's /usr/bin/chromium through playwright-core), on a
 * page Vite serves: once on the main thread, once on a cross-origin isolated page where worker
 * isolation must work. Skipped, loudly, only when Chromium is not installed (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { buildConformancePlugins } from '../conformance/build-plugins.ts';
import type { CaseResult } from '../conformance/suite.ts';
import { CHROMIUM_PATH, runInChromium } from './browser/run-chromium.ts';
import { serveBrowserSuite } from './browser/serve.ts';
import { describeRemoteSuite } from './support/remote-cases.ts';

const skip = existsSync(CHROMIUM_PATH) ? {} : { skip: `${CHROMIUM_PATH} is missing (apt-get install -y chromium); browser conformance NOT tested` };

// One browser session serves both pages; each describe awaits its half.
let session: Promise<CaseResult[][]> | undefined;
function both(): Promise<CaseResult[][]> {
  session ??= (async () => {
    const server = await serveBrowserSuite(await buildConformancePlugins());
    try {
      return await runInChromium([`${server.url}index.html`, `${server.url}isolated.html`]);
    } finally {
      await server.close();
    }
  })();
  return session;
}

describeRemoteSuite('chromium (main thread)', async () => (await both())[0] ?? [], { ...skip, suiteRuntime: 'browser' });
describeRemoteSuite('chromium (cross-origin isolated, worker isolation)', async () => (await both())[1] ?? [], { ...skip, suiteRuntime: 'browser' });
