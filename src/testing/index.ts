/**
 * `@reedcms/plugins/testing`: load one plugin into a real manager and call it from a unit test
 * (vitest, node:test, Deno's test runner). The Node and Deno entries read `{ dir }` plugins
 * from disk; this one takes `{ manifest, wasm }` (or an explicit runtime adapter).
 *
 * @example
 * ```ts
 * import { createTestHost } from '@reedcms/plugins/testing';
 * const host = await createTestHost({ dir: '.', http: { 'https://api.example.com/v1/tags': { json: ['a'] } } });
 * const r = await host.run('after_render', page);   // { output, logs, events, requests, fuel, error, … }
 * await host.close();
 * ```
 */
export { createTestHost, type TestHost, type TestHostOptions, type RunResult } from './test-host.ts';
export { mockFetch, type MockResponse, type RecordedRequest } from './mock-fetch.ts';
