/**
 * Runs the conformance suite in Deno against the package source through its deno entry
 * (src/deno.ts, which the `deno` export condition points at once built). Prints one JSON line,
 * `{"results":[…]}`, for test/runtimes/deno.test.ts to parse.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-env test/runtimes/deno/run-suite.ts build/conformance/plugins
 * ```
 */
import * as pkg from '../../../src/deno.ts';
import { SUITE_PLUGINS, WASI_SUITE_PLUGINS } from '../../conformance/plugins.ts';
import { runSuite, type SuiteInput } from '../../conformance/suite.ts';

declare const Deno: { args: string[]; readFile(path: string): Promise<Uint8Array>; exit(code: number): never };

const pluginDir = Deno.args[0];
if (pluginDir === undefined) throw new Error('usage: run-suite.ts <plugin folder root> [case filter]');
const plugins: SuiteInput['plugins'] = {};
for (const p of SUITE_PLUGINS) plugins[p.id] = { manifest: p.manifest, wasm: await Deno.readFile(`${pluginDir}/${p.id}/plugin.wasm`) };
// The C and Go plugins are there only where their toolchains were.
for (const p of WASI_SUITE_PLUGINS) {
  const wasm = await Deno.readFile(`${pluginDir}/${p.id}/plugin.wasm`).catch(() => undefined);
  if (wasm !== undefined) plugins[p.id] = { manifest: p.manifest, wasm };
}

const results = await runSuite({ pkg, runtime: 'deno', plugins, pluginDir }, Deno.args[1]);
console.log(JSON.stringify({ results }));
Deno.exit(0);
