/**
 * The plugins the playground opens with: the three example plugins, a guard-and-collect demo
 * and the hostile demos, each
 * with its AssemblyScript source, plugin.toml and a ready input. Hostile sources that tests
 * already use are shared from test/fixtures (one source per behaviour), the rest live in
 * playground/demos/assembly.
 */

/** One entry of the examples menu. */
export interface CatalogEntry {
  /** The plugin id (the manifest's `id`). */
  id: string;
  title: string;
  group: 'Examples' | 'Hook kinds' | 'Hostile demos' | 'Network';
  /** AssemblyScript entry, relative to the repository root. */
  source: string;
  /** plugin.toml, relative to the repository root. */
  manifest: string;
  /** What the Run panel selects first: a hook name, or `command:<name>`. */
  run: string;
  /** The ready input (hook data, or the command's args). */
  input: unknown;
  /** Mock responses the network panel opens with. */
  mocks?: Array<{ url: string; status: number; body: string }>;
}

const PAGE = {
  path: '/posts/hello',
  title: 'Hello, plugins',
  html: '<html><head><title>Hello, plugins</title></head><body><h1>Hello</h1></body></html>',
  meta: { description: 'A first look at sandboxed plugins.' },
};

/** Every entry, in menu order. */
export const CATALOG: readonly CatalogEntry[] = [
  { id: 'seo', title: 'SEO meta tags', group: 'Examples', source: 'examples/plugins/seo/assembly/index.ts', manifest: 'examples/plugins/seo/plugin.toml', run: 'after_render', input: PAGE },
  {
    id: 'reading-time',
    title: 'Reading time',
    group: 'Examples',
    source: 'examples/plugins/reading-time/assembly/index.ts',
    manifest: 'examples/plugins/reading-time/plugin.toml',
    run: 'before_render',
    input: { path: '/posts/hello', title: 'Hello', body: 'Plugins run in a sandbox. '.repeat(120), meta: {} },
  },
  {
    id: 'content-validator',
    title: 'Content validator',
    group: 'Examples',
    source: 'examples/plugins/content-validator/assembly/index.ts',
    manifest: 'examples/plugins/content-validator/plugin.toml',
    run: 'before_save',
    input: { type: 'article', title: '  Crème brûlée at home  ', body: 'Three ingredients.' },
  },
  {
    id: 'publish-rules',
    title: 'Publish rules (guard, collect)',
    group: 'Hook kinds',
    source: 'playground/demos/assembly/publish-rules.ts',
    manifest: 'playground/demos/publish-rules.toml',
    run: 'publish_check',
    input: { title: '', body: 'A draft nobody has named yet.', meta: {} },
  },
  {
    id: 'endless-loop',
    title: 'Endless loop',
    group: 'Hostile demos',
    source: 'playground/demos/assembly/endless-loop.ts',
    manifest: 'playground/demos/endless-loop.toml',
    run: 'transform_data',
    input: { text: 'spin' },
  },
  {
    id: 'recursion-bomb',
    title: 'Recursion bomb',
    group: 'Hostile demos',
    source: 'playground/demos/assembly/recursion-bomb.ts',
    manifest: 'playground/demos/recursion-bomb.toml',
    run: 'transform_data',
    input: { text: 'dive' },
  },
  {
    id: 'memory-bomb',
    title: 'Memory bomb',
    group: 'Hostile demos',
    source: 'test/fixtures/as/assembly/alloc-bomb.ts',
    manifest: 'playground/demos/memory-bomb.toml',
    run: 'transform_data',
    input: { text: 'grow' },
  },
  {
    id: 'log-flood',
    title: 'Log flood',
    group: 'Hostile demos',
    source: 'test/fixtures/as/assembly/log-flood.ts',
    manifest: 'playground/demos/log-flood.toml',
    run: 'transform_data',
    input: { text: 'noise' },
  },
  {
    id: 'event-flood',
    title: 'Event flood',
    group: 'Hostile demos',
    source: 'playground/demos/assembly/event-flood.ts',
    manifest: 'playground/demos/event-flood.toml',
    run: 'after_save',
    input: { id: 1, title: 'Saved' },
  },
  {
    id: 'trap',
    title: 'Trap',
    group: 'Hostile demos',
    source: 'test/fixtures/as/assembly/abort.ts',
    manifest: 'playground/demos/trap.toml',
    run: 'transform_data',
    input: 'a string it cannot transform',
  },
  {
    id: 'http-client',
    title: 'HTTP client',
    group: 'Network',
    source: 'test/fixtures/as/assembly/http-client.ts',
    manifest: 'playground/demos/http-client.toml',
    run: 'command:fetch',
    input: { requests: [{ url: 'https://api.example.com/greeting' }, { url: 'https://evil.example.net/steal' }] },
    mocks: [{ url: 'https://api.example.com/*', status: 200, body: '{"greeting":"hello from the mock"}' }],
  },
];
