/**
 * Paths to test plugins built from source by test/global-setup.ts.
 *
 * @example
 * ```ts
 * const wasm = await readFixture('echo');               // build/fixtures/echo.wasm
 * const dir = examplePluginDir('seo');                   // examples/plugins/seo
 * ```
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Absolute path of the built AssemblyScript fixture `name` (source: test/fixtures/as/assembly/<name>.ts).
 *
 * @example
 * ```ts
 * fixturePath('counter'); // /…/build/fixtures/counter.wasm
 * ```
 */
export function fixturePath(name: string): string {
  return join(REPO_ROOT, 'build', 'fixtures', `${name}.wasm`);
}

/**
 * The bytes of the built fixture `name`.
 *
 * @example
 * ```ts
 * const plugin = await createPlugin({ wasm: [{ data: await readFixture('echo') }] }, { useWasi: false });
 * ```
 */
export async function readFixture(name: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await readFile(fixturePath(name)));
}

/**
 * Absolute path of example plugin `id`'s folder (holds plugin.toml and the built plugin.wasm).
 *
 * @example
 * ```ts
 * await manager.load({ dir: examplePluginDir('seo') });
 * ```
 */
export function examplePluginDir(id: string): string {
  return join(REPO_ROOT, 'examples', 'plugins', id);
}
