/**
 * Builds the workerd conformance Worker with the same bundler as the edge example
 * (examples/edge/cloudflare/build.ts) and writes its workerd config.
 *
 * @example
 * ```ts
 * const configPath = await buildWorkerdTest(8787, pluginDir);
 * // workerd serve <configPath>
 * ```
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../../../scripts/lib/build-assemblyscript.ts';
import { buildWorker } from '../../../examples/edge/cloudflare/build.ts';
import { LIMITS } from '../../conformance/plugins.ts';

/**
 * Bundles the conformance Worker (plugins from `pluginDir`, instrumented under the suite's
 * LIMITS) and writes its config; resolves with the config path.
 *
 * @example
 * ```ts
 * const configPath = await buildWorkerdTest(8787, 'build/conformance/plugins');
 * ```
 */
export function buildWorkerdTest(port: number, pluginDir: string): Promise<string> {
  return buildWorker({ entry: join(REPO_ROOT, 'test', 'runtimes', 'workerd', 'worker.ts'), outDir: join(REPO_ROOT, 'build', 'workerd-test'), pluginDir, limits: LIMITS }, port);
}
