/**
 * The conformance suite on Cloudflare's real runtime: the test Worker is bundled with Vite (the
 * `workerd` export condition; plugins precompiled and instrumented by the Vite plugin), served
 * by the `workerd` binary on 127.0.0.1, and driven over HTTP.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/lib/build-assemblyscript.ts';
import { buildConformancePlugins } from '../conformance/build-plugins.ts';
import { buildWorkerdTest } from './workerd/build-worker.ts';
import { describeRemoteSuite, parseResults } from './support/remote-cases.ts';
import { freePort, startProcess, waitForHttp } from './support/processes.ts';

describeRemoteSuite('workerd', async () => {
  const port = await freePort();
  const configPath = await buildWorkerdTest(port, await buildConformancePlugins());
  const server = startProcess(join(REPO_ROOT, 'node_modules', '.bin', 'workerd'), ['serve', configPath, '--verbose']);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, server);
    const response = await fetch(`http://127.0.0.1:${port}/run`);
    const text = await response.text();
    if (!response.ok) throw new Error(`GET /run answered ${response.status}: ${text}\n${server.output().slice(-4000)}`);
    return parseResults(text);
  } finally {
    await server.stop();
  }
});
