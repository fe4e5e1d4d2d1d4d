/**
 * `@reedcms/plugins/testing` on Deno: {@link createTestHost} reads `{ dir }` plugins from disk.
 *
 * @example
 * ```ts
 * import { createTestHost } from '@reedcms/plugins/testing';
 * const host = await createTestHost({ dir: '.' });
 * ```
 */
import { denoRuntime } from '../runtime/deno.ts';
import { createTestHost as createWith, type TestHost, type TestHostOptions } from './test-host.ts';

export { mockFetch, type MockResponse, type RecordedRequest } from './mock-fetch.ts';
export type { TestHost, TestHostOptions, RunResult } from './test-host.ts';

/**
 * Loads one plugin (a folder, or a manifest and module) into a fresh manager on Deno.
 *
 * @example
 * ```ts
 * const host = await createTestHost({ dir: 'plugins/seo', config: { base_url: 'https://example.com' } });
 * const { output, fuel } = await host.run('after_render', page);
 * ```
 */
export function createTestHost(options: TestHostOptions): Promise<TestHost> {
  return createWith(options, denoRuntime);
}
