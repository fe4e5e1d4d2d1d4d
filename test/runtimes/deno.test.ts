/**
 * The conformance suite on Deno: the `deno` npm package's binary runs
 * test/runtimes/deno/run-suite.ts (the package's deno entry, from source) and reports per case.
 */
import { buildConformancePlugins } from '../conformance/build-plugins.ts';
import { describeRemoteSuite, parseResults } from './support/remote-cases.ts';
import { runDeno } from './support/run-deno.ts';

describeRemoteSuite('deno', async () => {
  const root = await buildConformancePlugins();
  return parseResults(await runDeno(['test/runtimes/deno/run-suite.ts', root]));
});
