/**
 * The plugins the conformance suite loads: their manifests and where their modules come from.
 * Runner-agnostic (no platform imports): the Node-side builder (build-plugins.ts) writes them as
 * plugin folders; each runner hands the suite what its runtime can load.
 */

/** Host limits every runner uses, for the manager and for build-time instrumentation alike. */
export const LIMITS = {
  fuel: 5_000_000,
  memoryBytes: 16 * 1024 * 1024,
  maxCallDepth: 1_000,
  timeoutMs: 10_000,
} as const;

/** The one origin the HTTP case allows (answered by the suite's own fetch, never the network). */
export const ALLOWED_ORIGIN = 'https://api.example.com';

/** One suite plugin: id, plugin.toml text, and its module's source. */
export interface SuitePlugin {
  id: string;
  manifest: string;
  /**
   * `as:<name>`: build/fixtures/<name>.wasm; `wat:<path>`: WAT compiled with wabt (repo-relative);
   * `native:<name>`: build/fixtures/<name>.wasm built with clang or Go, absent without them.
   */
  source: string;
}

const toml = (id: string, capabilities: string[], priority?: number) =>
  `id = "${id}"\nname = "${id} (conformance)"\nversion = "1.0.0"\n${priority === undefined ? '' : `priority = ${priority}\n`}capabilities = [${capabilities.map((c) => `{ ${c} }`).join(', ')}]\n`;

/**
 * Every suite plugin.
 *
 * @example
 * ```ts
 * SUITE_PLUGINS.map((p) => p.id); // ['echo', 'framer', 'counter', 'publisher', 'spinner', 'grower', 'flaky', 'fetcher']
 * ```
 */
export const SUITE_PLUGINS: readonly SuitePlugin[] = [
  { id: 'echo', source: 'as:echo', manifest: toml('echo', ['Hook = "before_render"', 'Hook = "after_render"', 'Event = "content.*"', 'Command = "ping"'], 50) },
  { id: 'framer', source: 'as:frames', manifest: toml('framer', ['Hook = "transform_data"', 'Hook = "after_render"', 'Hook = "inspect", kind = "filter"']) },
  { id: 'counter', source: 'as:counter', manifest: toml('counter', ['Hook = "transform_data"']) },
  { id: 'publisher', source: 'as:publisher', manifest: toml('publisher', ['Hook = "after_save"', 'Event = "content.updated"']) },
  { id: 'spinner', source: 'wat:test/sandbox/hostile/infinite-loop.wat', manifest: toml('spinner', ['Hook = "transform_data"']) },
  { id: 'grower', source: 'wat:test/sandbox/hostile/memory-grow-bomb.wat', manifest: toml('grower', ['Hook = "transform_data"']) },
  { id: 'flaky', source: 'wat:test/conformance/wat/flaky.wat', manifest: toml('flaky', ['Hook = "transform_data"']) },
  { id: 'fetcher', source: 'as:http-client', manifest: `${toml('fetcher', ['Command = "fetch"'])}[network]\nallowed_hosts = ["${ALLOWED_ORIGIN}"]\n` },
];

const MOUNT = '[filesystem]\nmounts = [{ path = "/data" }]\n';
/** What every native plugin declares: the conformance behaviour in each language. */
const WASI_COMMON = ['Hook = "before_render"', 'Command = "echo"', 'Command = "read"', 'Command = "spin"', 'Event = "content.*"', 'Export = "count_vowels"', 'Export = "run_test"'];

/**
 * WASI plugins in C, Go and Rust (test/fixtures/c, go, rust), built from source by the test
 * setup where clang, Go and cargo are installed: runners pass those that were built (the suite says
 * which it skipped and why).
 *
 * @example
 * ```ts
 * WASI_SUITE_PLUGINS.map((p) => p.id); // ['c-wasi', 'go-wasi', 'rust-wasi']
 * ```
 */
export const WASI_SUITE_PLUGINS: readonly SuitePlugin[] = [
  { id: 'c-wasi', source: 'native:c-plugin', extra: ['Command = "read-outside"', 'Command = "read-link"', 'Command = "list"'] },
  { id: 'go-wasi', source: 'native:go-plugin', extra: [] },
  { id: 'rust-wasi', source: 'native:rust-plugin', extra: [] },
].map(({ id, source, extra }) => ({ id, source, manifest: `${toml(id, [...WASI_COMMON, ...extra])}${MOUNT}` }));

/**
 * The same native plugins with network access (the HTTP cases): inline where JSPI serves HTTP,
 * in their own worker under worker isolation.
 *
 * @example
 * ```ts
 * WASI_NETWORK_MANIFEST('go-wasi'); // plugin.toml text with [network]
 * ```
 */
export const WASI_NETWORK_MANIFEST = (id: string): string => `${toml(id, ['Command = "fetch"'])}[network]\nallowed_hosts = ["${ALLOWED_ORIGIN}"]\n`;
