/**
 * bench/runtimes.ts on Deno: prints `{"oursUs":…,"rawUs":…}`.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-env bench/runtimes/deno-bench.ts build/fixtures/echo.wasm
 * ```
 */
import createPlugin from '@extism/extism';
import * as pkg from '../../src/deno.ts';
import { benchHook, ECHO_MANIFEST } from './hook-bench.ts';

declare const Deno: { args: string[]; readFile(path: string): Promise<Uint8Array>; exit(code: number): never };

const bytes = await Deno.readFile(Deno.args[0] as string);
const module = await pkg.precompile(bytes, {}, pkg.parseManifest(ECHO_MANIFEST).limits);
console.log(JSON.stringify(await benchHook({ pkg: pkg as never, createPlugin: createPlugin as never, module, ops: 2000, rounds: 7 })));
Deno.exit(0);
