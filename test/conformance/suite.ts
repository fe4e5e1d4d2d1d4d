/**
 * The conformance suite, written once and run unchanged on Node, Deno, workerd and Chromium.
 * It takes the package module under test and the plugins the runtime can load, and returns one
 * result per named case, so a failure names the case and the runtime. Whatever a runtime cannot
 * do is asserted to fail with its documented error, never skipped.
 *
 * @example
 * ```ts
 * import * as pkg from '@reedcms/plugins';
 * const results = await runSuite({ pkg, runtime: 'node', plugins });
 * for (const r of results) console.log(r.ok ? 'ok  ' : 'FAIL', r.name, r.error ?? '');
 * ```
 */
import type * as Package from '../../src/index.ts';
import { equal, ok, rejects } from './assert.ts';
import { ALLOWED_ORIGIN, LIMITS, WASI_NETWORK_MANIFEST, WASI_SUITE_PLUGINS } from './plugins.ts';

/** The package module under test (its public API). */
export type PackageModule = typeof Package;
/** The runtimes the suite knows the documented capabilities of. */
export type RuntimeName = 'node' | 'deno' | 'workerd' | 'browser';

/** What a runner hands the suite. */
export interface SuiteInput {
  pkg: PackageModule;
  runtime: RuntimeName;
  /** Each suite plugin by id: its plugin.toml and a module in the form this runtime loads. */
  plugins: Record<string, { manifest: string; wasm: Uint8Array | WebAssembly.Module }>;
  /** A folder of plugin folders (runtimes with a file system). */
  pluginDir?: string;
  /** Whether this page/process should have worker isolation (browsers: crossOriginIsolated). */
  expectWorkers?: boolean;
  /**
   * The WASI plugins' modules as built (bytes, no fuel budget baked in), where `plugins` holds
   * them precompiled (the browser's, from the Vite plugin): an unmetered loop needs them.
   */
  builtWasi?: Record<string, Uint8Array>;
}

/**
 * Confirmed bugs, per runtime: the case is expected to FAIL there (runners register it as an
 * expected failure, so it turns red the day it starts passing and the entry must go). Each entry
 * says what was observed.
 */
export const KNOWN_FAILURES: Partial<Record<RuntimeName, Record<string, string>>> = {};

/**
 * Why `caseName` is a known failure on `runtime`, or undefined.
 *
 * @example
 * ```ts
 * knownFailure('workerd', 'plugin HTTP: …'); // 'inline HTTP through JSPI answers status 0 …'
 * ```
 */
export function knownFailure(runtime: string, caseName: string): string | undefined {
  return (KNOWN_FAILURES as Record<string, Record<string, string> | undefined>)[runtime]?.[caseName];
}

/** One case's outcome. */
export interface CaseResult {
  name: string;
  ok: boolean;
  error?: string;
  ms: number;
}

/** One named case. */
export interface SuiteCase {
  name: string;
  run(input: SuiteInput): Promise<void>;
}

/** What each runtime documents (docs/runtimes.md); `runtimeCapabilities()` must say the same. */
const DOCUMENTED: Record<RuntimeName, { fileSystem: boolean; workerIsolation: boolean; runTimeCompile: boolean }> = {
  node: { fileSystem: true, workerIsolation: true, runTimeCompile: true },
  deno: { fileSystem: true, workerIsolation: true, runTimeCompile: true },
  workerd: { fileSystem: false, workerIsolation: false, runTimeCompile: false },
  browser: { fileSystem: false, workerIsolation: false, runTimeCompile: true },
};

const quietLogger = () => {
  const lines: string[] = [];
  const push = (message: unknown) => void lines.push(String(message));
  return { lines, logger: { debug: push, info: push, warn: push, error: push } };
};

/** A fresh manager per case with the suite's limits, shut down afterwards. */
async function withManager(input: SuiteInput, body: (manager: Package.PluginManager, lines: string[]) => Promise<void>, extra: Partial<Package.PluginManagerConfig> = {}): Promise<void> {
  const { lines, logger } = quietLogger();
  const manager = new input.pkg.PluginManager({ limits: LIMITS, logger, ...extra });
  try {
    await body(manager, lines);
  } finally {
    await manager.shutdown();
  }
}

function plugin(input: SuiteInput, id: string): { manifest: string; wasm: Uint8Array | WebAssembly.Module } {
  const found = input.plugins[id];
  if (found === undefined) throw new Error(`the runner gave no module for plugin "${id}"`);
  return found;
}

/** A module for `id` that is instrumented and compiled already (as the Vite plugin ships them). */
async function precompiled(input: SuiteInput, id: string): Promise<WebAssembly.Module> {
  const { manifest, wasm } = plugin(input, id);
  if (wasm instanceof WebAssembly.Module) return wasm;
  return input.pkg.precompile(wasm, LIMITS, input.pkg.parseManifest(manifest).limits);
}

/** A fetch that answers every URL 200 "hello from the host" and records each URL it is asked for in `asked`. */
function answeringFetch(asked: string[]): typeof fetch {
  return (async (request: RequestInfo | URL) => {
    asked.push(typeof request === 'string' ? request : request instanceof URL ? request.href : request.url);
    return new Response('hello from the host', { status: 200 });
  }) as typeof fetch;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The wall-clock limit of the worker cases: short, as their endless loop waits it out. */
const WORKER_TIMEOUT_MS = 1_500;

/**
 * Every case, in order.
 *
 * @example
 * ```ts
 * CASES.map((c) => c.name);
 * ```
 */
export const CASES: readonly SuiteCase[] = [
  {
    name: 'runtime capabilities match the documented table',
    async run(input) {
      const caps = input.pkg.runtimeCapabilities();
      const documented = DOCUMENTED[input.runtime];
      equal(caps.runtime, input.runtime, 'the entry point sets its runtime as default');
      equal(caps.fileSystem, documented.fileSystem, 'fileSystem');
      equal(caps.workerIsolation, input.expectWorkers ?? documented.workerIsolation, 'workerIsolation');
      equal(caps.wasiWorkerIsolation, caps.workerIsolation, 'wasiWorkerIsolation: every runtime with workers runs WASI plugins in one');
      equal(caps.runTimeCompile, documented.runTimeCompile, 'runTimeCompile');
      equal(caps.http, caps.jspi ? 'jspi' : caps.workerIsolation ? 'worker' : 'none', 'http follows JSPI, then workers');
    },
  },
  {
    name: 'load from manifest and module (as this runtime ships it)',
    async run(input) {
      await withManager(input, async (manager) => {
        const id = await manager.load(plugin(input, 'echo'));
        equal(id, 'echo', 'load resolves with the id');
        equal(
          manager.plugins().map((p) => [p.id, p.state]),
          [['echo', 'active']],
          'plugins()',
        );
        const page = { title: 'Grüße ✓', html: '<p>hi</p>' };
        equal(await manager.hooks.execute('before_render', page), page, 'the echo plugin passes the page through');
        equal(manager.stats('echo').calls >= 1, true, 'stats count the call');
      });
    },
  },
  {
    name: 'load a precompiled, pre-instrumented WebAssembly.Module',
    async run(input) {
      await withManager(input, async (manager) => {
        await manager.load({ manifest: plugin(input, 'echo').manifest, wasm: await precompiled(input, 'echo') });
        equal(await manager.hooks.execute('after_render', { html: 'x' }), { html: 'x' }, 'hook through the precompiled module');
      });
    },
  },
  {
    name: 'run-time compile: bytes load where the runtime compiles, else E_WASM',
    async run(input) {
      const bytes = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
      const manifest = 'id = "empty"\nname = "empty"\nversion = "1.0.0"\n';
      await withManager(input, async (manager) => {
        if (input.pkg.runtimeCapabilities().runTimeCompile) {
          equal(await manager.load({ manifest, wasm: bytes }), 'empty', 'an empty module loads from bytes');
        } else {
          await rejects(manager.load({ manifest, wasm: bytes }), 'E_WASM', 'compiling at run time is refused');
        }
      });
    },
  },
  {
    name: 'load from a folder ({ dir } and pluginDir), or E_UNSUPPORTED without a file system',
    async run(input) {
      await withManager(input, async (manager) => {
        if (!input.pkg.runtimeCapabilities().fileSystem) {
          await rejects(manager.load({ dir: 'plugins/echo' }), 'E_UNSUPPORTED', '{ dir } without a file system');
          return;
        }
        ok(input.pluginDir !== undefined, 'the runner must give pluginDir on a runtime with a file system');
        const id = await manager.load({ dir: `${input.pluginDir}/echo` });
        equal(id, 'echo', '{ dir } loads');
      });
      if (!input.pkg.runtimeCapabilities().fileSystem) return;
      await withManager(
        input,
        async (manager) => {
          const { loaded } = await manager.initialize();
          const wasi = WASI_SUITE_PLUGINS.map((p) => p.id).filter((id) => input.plugins[id] !== undefined);
          equal([...loaded].sort(), ['counter', 'echo', 'fetcher', 'flaky', 'framer', 'grower', 'publisher', 'spinner', ...wasi].sort(), 'pluginDir discovery loads every folder');
        },
        { pluginDir: input.pluginDir as string },
      );
    },
  },
  {
    name: 'filter chain: JS and WASM handlers in priority order',
    async run(input) {
      await withManager(input, async (manager) => {
        await manager.load(plugin(input, 'echo')); // priority 50
        manager.hooks.register('before_render', (page: { trail: string[] }) => ({ trail: [...page.trail, 'late'] }), { priority: 200 });
        manager.hooks.register('before_render', (page: { trail: string[] }) => ({ trail: [...page.trail, 'early'] }), { priority: 1 });
        manager.hooks.register('before_render', () => undefined, { priority: 60 }); // undefined: unchanged
        equal(await manager.hooks.execute('before_render', { trail: ['start'] }), { trail: ['start', 'early', 'late'] }, 'waterfall');
        equal(manager.hooks.describe('before_render').length, 4, 'four handlers registered');
      });
    },
  },
  {
    name: 'guard and first hooks (auth_check, route_match) and hooks.define',
    async run(input) {
      await withManager(input, async (manager) => {
        manager.hooks.register('auth_check', (req: { user?: string }) => (req.user ? undefined : { allow: false, reason: 'login required' }));
        equal(await manager.hooks.execute('auth_check', { user: 'ada' }), { allowed: true }, 'guard allows');
        const denied = (await manager.hooks.execute('auth_check', {})) as { allowed: boolean; reason?: string };
        equal([denied.allowed, denied.reason], [false, 'login required'], 'guard denies with the reason');
        manager.hooks.register('route_match', () => null, { priority: 1 });
        manager.hooks.register('route_match', (req: { path: string }) => ({ page: req.path }), { priority: 2 });
        manager.hooks.register('route_match', () => ({ page: 'never' }), { priority: 3 });
        equal(await manager.hooks.execute('route_match', { path: '/about' }), { page: '/about' }, 'first non-null wins');
        manager.hooks.define('conformance_lint', { kind: 'collect' });
        equal(manager.hooks.definition('conformance_lint')?.kind, 'collect', 'define records the kind');
        await rejects(
          Promise.resolve().then(() => manager.hooks.define('auth_check' as string, { kind: 'filter' })),
          'E_HOOK_DEFINITION',
          'a predefined hook cannot change kind',
        );
      });
    },
  },
  {
    name: 'events: host subscribers, plugin on_event, plugin publishing',
    async run(input) {
      await withManager(input, async (manager, lines) => {
        await manager.load(plugin(input, 'echo'));
        await manager.load(plugin(input, 'publisher'));
        const seen: Array<{ type: string; source?: string | undefined }> = [];
        manager.events.subscribe('content.*', (e) => void seen.push({ type: e.type, source: e.source }));
        await manager.events.publish({ type: 'content.created', data: { slug: 'hello' } });
        await manager.hooks.execute('after_save', { slug: 'hello' });
        for (let i = 0; i < 20 && seen.length < 2; i++) await tick();
        equal(
          seen.map((e) => e.type),
          ['content.created', 'content.updated'],
          'host sees both events',
        );
        equal(seen[1]?.source, 'publisher', 'a guest event carries its plugin as source');
        ok(
          lines.some((l) => l.includes('event: content.created')),
          `echo's on_event ran (log lines: ${JSON.stringify(lines)})`,
        );
      });
    },
  },
  {
    name: 'commands: a declared command runs, an undeclared one is E_NOT_IMPLEMENTED',
    async run(input) {
      await withManager(input, async (manager) => {
        await manager.load(plugin(input, 'echo'));
        equal(await manager.command('echo', 'ping', { n: 1 }), { command: 'ping', args: { n: 1 } }, 'handle_command echoes');
        await rejects(manager.command('echo', 'nope'), 'E_NOT_IMPLEMENTED', 'undeclared command');
      });
    },
  },
  {
    name: 'large payloads: a 64 KiB page crosses framed (its HTML as raw UTF-8) and comes back exact',
    async run(input) {
      await withManager(input, async (manager) => {
        await manager.load(plugin(input, 'framer'));
        const html = `<html><head></head><body>${'<p class="x">Grüße, "quoted" \\ 😀</p>\n'.repeat(1800)}</body></html>`;
        const page = { path: '/a', html, meta: { n: 1.5 } };
        equal(
          await manager.hooks.execute('inspect', page, { errorPolicy: 'fail' }),
          { bytes: new TextEncoder().encode(html).byteLength, held: true },
          'the HTML reached the plugin as UTF-8 bytes (framed)',
        );
        equal(JSON.stringify(await manager.hooks.execute('transform_data', page, { errorPolicy: 'fail' })) === JSON.stringify(page), true, 'the page round-trips unchanged, member order kept');
        // Editing as a string decodes and re-encodes the HTML inside the plugin: a smaller page
        // keeps that within the suite's fuel.
        const small = { ...page, html: html.slice(0, 4000) };
        equal(await manager.hooks.execute('after_render', small, { errorPolicy: 'fail' }), { ...small, html: `${small.html}<!-- ✓ -->` }, 'the plugin edits the framed HTML as a string');
      });
    },
  },
  {
    name: 'fuel exhaustion ends an endless loop with E_FUEL; the neighbour still works',
    async run(input) {
      await withManager(input, async (manager) => {
        await manager.load(plugin(input, 'echo'));
        await manager.load(plugin(input, 'spinner'));
        await rejects(manager.hooks.execute('transform_data', {}, { errorPolicy: 'fail' }), 'E_FUEL', 'spinner', { pluginId: 'spinner', limit: { name: 'fuel', value: LIMITS.fuel } });
        equal(await manager.hooks.execute('before_render', { ok: true }), { ok: true }, 'neighbour');
      });
    },
  },
  {
    name: 'memory cap ends a memory.grow bomb with E_MEMORY',
    async run(input) {
      await withManager(input, async (manager) => {
        await manager.load(plugin(input, 'grower'));
        await rejects(manager.hooks.execute('transform_data', {}, { errorPolicy: 'fail' }), 'E_MEMORY', 'grower', { pluginId: 'grower', limit: { name: 'memoryBytes', value: LIMITS.memoryBytes } });
      });
    },
  },
  {
    name: 'a trap is E_TRAP, and the next call works on a fresh instance',
    async run(input) {
      await withManager(input, async (manager) => {
        await manager.load(plugin(input, 'flaky'));
        await rejects(manager.hooks.execute('transform_data', 0, { errorPolicy: 'fail' }), 'E_TRAP', 'flaky traps on 0', { pluginId: 'flaky' });
        equal(await manager.hooks.execute('transform_data', { after: 'trap' }, { errorPolicy: 'fail' }), { after: 'trap' }, 'recovered');
        equal(manager.stats('flaky').faults, 1, 'one fault counted');
      });
    },
  },
  {
    name: 'unload and reload: state resets on reload, handlers leave on unload',
    async run(input) {
      await withManager(input, async (manager) => {
        await manager.load(plugin(input, 'counter'));
        await manager.hooks.execute('transform_data', 'a');
        equal(await manager.hooks.execute('transform_data', 'b'), { count: 2, input: 'b' }, 'guest state lives across calls');
        await manager.reload('counter');
        equal(await manager.hooks.execute('transform_data', 'c'), { count: 1, input: 'c' }, 'reload starts a fresh instance');
        await manager.unload('counter');
        equal(manager.plugins(), [], 'nothing loaded');
        equal(await manager.hooks.execute('transform_data', 'd'), 'd', 'no handler after unload');
        await manager.load(plugin(input, 'counter'));
        equal(await manager.hooks.execute('transform_data', 'e'), { count: 1, input: 'e' }, 'loads again');
      });
    },
  },
  {
    name: 'plugin HTTP: an allowed URL is fetched (JSPI or worker), another host is denied',
    async run(input) {
      // The host's fetch answers in-process: the case tests the plumbing and the policy on each
      // runtime, not this machine's network.
      const asked: string[] = [];
      const fakeFetch = (async (request: RequestInfo | URL) => {
        const url = typeof request === 'string' ? request : request instanceof URL ? request.href : request.url;
        asked.push(url);
        return new Response('hello from the host', { status: 200, headers: { 'x-conformance': 'yes' } });
      }) as typeof fetch;
      const caps = input.pkg.runtimeCapabilities();
      await withManager(
        input,
        async (manager) => {
          if (caps.http === 'none') {
            await rejects(manager.load(plugin(input, 'fetcher')), 'E_UNSUPPORTED', 'no way to serve HTTP here');
            return;
          }
          await manager.load(plugin(input, 'fetcher'));
          const out = (await manager.command('fetcher', 'fetch', { requests: [{ url: `${ALLOWED_ORIGIN}/hello` }, { url: 'https://evil.example.net/steal' }] })) as {
            results: Array<{ status: number; body: string; errorKind: string | null }>;
          };
          equal(
            out.results.map((r) => [r.status, r.errorKind]),
            [
              [200, null],
              [403, 'denied'],
            ],
            'allowed, then denied',
          );
          equal(out.results[0]?.body, 'hello from the host', 'the body reaches the plugin');
          equal(asked, [`${ALLOWED_ORIGIN}/hello`], 'only the allowed URL reached fetch');
        },
        { allowedHosts: [ALLOWED_ORIGIN], fetch: fakeFetch },
      );
    },
  },
  {
    name: 'WASI plugins built from C, Go and Rust: one behaviour (hook with config, stdout and log_info lines, a command, events, a mounted file, Extism test exports, fuel), a path outside refused',
    async run(input) {
      for (const { id } of WASI_SUITE_PLUGINS) {
        if (input.plugins[id] === undefined) {
          console.warn(`conformance: ${id} was not built here (clang, Go or cargo missing: see the test setup's output); its checks are skipped`);
          continue;
        }
        const tag = id.slice(0, -'-wasi'.length);
        await withManager(
          input,
          async (manager, lines) => {
            await manager.load(plugin(input, id));
            const page = (await manager.hooks.execute('before_render', { title: 'hello' }, { errorPolicy: 'fail' })) as { title: string; year?: number };
            equal(page.title, 'HELLO?!', `${id}: the hook, with config`);
            // C also reads time(): the deterministic clock says 2024.
            if (tag === 'c') equal(page.year, 2024, 'c-wasi: the deterministic clock');
            ok(
              lines.some((l) => l.includes(tag === 'c' ? 'c: shouted HELLO' : `${tag}: shouting hello`)),
              `${id}: stdout became a log line`,
            );
            equal(await manager.command(id, 'echo', { a: [1, 'two'] }), { a: [1, 'two'] }, `${id}: a command`);
            ok(
              lines.some((l) => l.includes(`${tag}: echo via log_info`)),
              `${id}: log_info became a log line`,
            );
            await manager.events.publish({ type: 'content.created', data: { n: 1 } });
            await manager.events.publish({ type: 'content.created', data: { n: 2 } });
            ok(
              lines.some((l) => l.includes(`${tag}: event 2: {`)),
              `${id}: events arrive, state lives between calls`,
            );
            equal(await manager.command(id, 'read', {}), { text: 'hello from the host' }, `${id}: a file from the granted mount`);
            equal(await manager.call(id, 'count_vowels', 'Hello, World!', { as: 'json' }), { count: 3, total: 3, vowels: 'aeiouAEIOU' }, `${id}: Extism's count_vowels`);
            equal(await manager.call(id, 'count_vowels', 'Hello, World!', { as: 'json' }), { count: 3, total: 6, vowels: 'aeiouAEIOU' }, `${id}: its running total in a variable`);
            equal(await manager.call(id, 'run_test', '', { as: 'json' }), { config: 'testing' }, `${id}: Extism's config plugin`);
            if (tag === 'c') equal(await manager.command(id, 'read-outside', {}), { opened: false, error: 'Capabilities insufficient' }, 'c-wasi: a path leaving the mount is refused');
            await rejects(manager.command(id, 'spin', {}), 'E_FUEL', `${id}: an endless loop`, { pluginId: id, limit: { name: 'fuel', value: LIMITS.fuel } });
            equal(((await manager.hooks.execute('before_render', { title: 'after' }, { errorPolicy: 'fail' })) as { title: string }).title, 'AFTER?!', `${id}: a fresh instance after E_FUEL`);
          },
          { deterministic: true, plugins: { [id]: { suffix: '?!', thing: 'testing' } }, filesystem: { [id]: { '/data': { files: { 'hello.txt': 'hello from the host' } } } } },
        );
      }
    },
  },
  {
    name: 'WASI plugins built from C, Go and Rust: HTTP under the network policy where JSPI (inline) or their own worker can serve it, else E_UNSUPPORTED',
    async run(input) {
      const asked: string[] = [];
      const fakeFetch = answeringFetch(asked);
      for (const { id } of WASI_SUITE_PLUGINS) {
        if (input.plugins[id] === undefined) continue;
        asked.length = 0;
        await withManager(
          input,
          async (manager) => {
            const load = manager.load({ manifest: WASI_NETWORK_MANIFEST(id), wasm: plugin(input, id).wasm });
            const caps = input.pkg.runtimeCapabilities();
            if (caps.http !== 'jspi' && !(caps.http === 'worker' && caps.wasiWorkerIsolation)) {
              await rejects(load, 'E_UNSUPPORTED', `${id}: neither JSPI nor a WASI worker here to serve HTTP`, { pluginId: id });
              return;
            }
            await load;
            equal(await manager.command(id, 'fetch', { url: `${ALLOWED_ORIGIN}/hello` }), { status: 200, body: 'hello from the host' }, `${id}: an allowed URL`);
            const denied = (await manager.command(id, 'fetch', { url: 'https://evil.example.net/steal' })) as { status: number };
            equal(denied.status, 403, `${id}: another host is denied`);
            equal(asked, [`${ALLOWED_ORIGIN}/hello`], `${id}: only the allowed URL reached fetch`);
          },
          { allowedHosts: [ALLOWED_ORIGIN], fetch: fakeFetch },
        );
      }
    },
  },
  {
    name: "WASI plugins built from C, Go and Rust under isolation 'worker' (their own worker): a hook, a log line, a mounted file, E_TIMEOUT of an unmetered endless loop and an answer after it, HTTP under the network policy; else E_UNSUPPORTED",
    async run(input) {
      const caps = input.pkg.runtimeCapabilities();
      const asked: string[] = [];
      const fakeFetch = answeringFetch(asked);
      for (const { id } of WASI_SUITE_PLUGINS) {
        if (input.plugins[id] === undefined) {
          console.warn(`conformance: ${id} was not built here (clang, Go or cargo missing: see the test setup's output); its worker checks are skipped`);
          continue;
        }
        const tag = id.slice(0, -'-wasi'.length);
        const { manifest, wasm } = plugin(input, id);
        // Unmetered (fuel off): only the wall clock ends the loop, so the module must be one
        // without a fuel budget baked in.
        const unmetered = wasm instanceof WebAssembly.Module ? input.builtWasi?.[id] : wasm;
        await withManager(
          input,
          async (manager, lines) => {
            if (!caps.wasiWorkerIsolation) {
              equal(caps.workerIsolation, false, 'every runtime with workers runs WASI plugins in one');
              await rejects(manager.load({ manifest, wasm }), 'E_UNSUPPORTED', `${id}: no worker for WASI here`, { pluginId: id });
              return;
            }
            ok(unmetered !== undefined, `the runner must give ${id}'s built module (builtWasi) where its plugins are precompiled`);
            await manager.load({ manifest, wasm: unmetered as Uint8Array });
            const page = (await manager.hooks.execute('before_render', { title: 'hello' }, { errorPolicy: 'fail' })) as { title: string };
            equal(page.title, 'HELLO!', `${id}: the hook, in its worker`);
            equal(await manager.command(id, 'echo', { w: [1] }), { w: [1] }, `${id}: a command`);
            ok(
              lines.some((l) => l.includes(`${tag}: echo via log_info`)),
              `${id}: log_info crossed to the host's log (lines: ${JSON.stringify(lines)})`,
            );
            equal(await manager.command(id, 'read', {}), { text: 'hello from the host, to a worker' }, `${id}: a file of the host's mount, read from the worker`);
            await rejects(manager.command(id, 'spin', {}), 'E_TIMEOUT', `${id}: an unmetered endless loop`, { pluginId: id });
            equal(await manager.command(id, 'echo', { after: 'timeout' }), { after: 'timeout' }, `${id}: a fresh worker answers after E_TIMEOUT`);
          },
          {
            isolation: 'worker',
            limits: { ...LIMITS, fuel: false, timeoutMs: WORKER_TIMEOUT_MS },
            plugins: { [id]: { suffix: '!' } },
            filesystem: { [id]: { '/data': { files: { 'hello.txt': 'hello from the host, to a worker' } } } },
          },
        );
        if (!caps.wasiWorkerIsolation) continue;
        asked.length = 0;
        await withManager(
          input,
          async (manager) => {
            await manager.load({ manifest: WASI_NETWORK_MANIFEST(id), wasm: unmetered as Uint8Array });
            equal(await manager.command(id, 'fetch', { url: `${ALLOWED_ORIGIN}/hello` }), { status: 200, body: 'hello from the host' }, `${id}: an allowed URL, from the worker`);
            const denied = (await manager.command(id, 'fetch', { url: 'https://evil.example.net/steal' })) as { status: number };
            equal(denied.status, 403, `${id}: another host is denied`);
            equal(asked, [`${ALLOWED_ORIGIN}/hello`], `${id}: only the allowed URL reached fetch`);
          },
          { isolation: 'worker', allowedHosts: [ALLOWED_ORIGIN], fetch: fakeFetch },
        );
      }
    },
  },
  {
    name: 'WASI: a real directory mounts read-only where there is a file system (a symlink out refused), else E_CONFIG',
    async run(input) {
      if (input.plugins['c-wasi'] === undefined) {
        console.warn("conformance: c-wasi was not built here (clang missing: see the test setup's output); the real-directory checks are skipped");
        return;
      }
      const dir = `${input.pluginDir ?? 'files'}/../files/data`;
      await withManager(
        input,
        async (manager) => {
          if (!input.pkg.runtimeCapabilities().fileSystem) {
            await rejects(manager.load(plugin(input, 'c-wasi')), 'E_CONFIG', 'no real directories without a file system', { pluginId: 'c-wasi' });
            return;
          }
          await manager.load(plugin(input, 'c-wasi'));
          equal(await manager.command('c-wasi', 'read', {}), { text: 'hello from disk' }, 'a file of the real directory');
          // link.txt points out of the mount: listed, but as absent as a file that does not exist.
          equal(await manager.command('c-wasi', 'list', {}), ['hello.txt', 'link.txt'], 'the directory lists as it is');
          equal(await manager.command('c-wasi', 'read-outside', {}), { opened: false, error: 'Capabilities insufficient' }, '.. is refused');
          const error = await rejects(manager.command('c-wasi', 'read-link', {}), 'E_GUEST', 'a symlink out of the mount', { pluginId: 'c-wasi' });
          ok(String(error.message).includes('No such file or directory'), `the symlink reads as absent (${String(error.message)})`);
        },
        { filesystem: { 'c-wasi': { '/data': { dir } } } },
      );
    },
  },
  {
    name: "isolation 'worker' works where the runtime has workers, else E_UNSUPPORTED",
    async run(input) {
      await withManager(
        input,
        async (manager) => {
          if (input.pkg.runtimeCapabilities().workerIsolation) {
            await manager.load(plugin(input, 'echo'));
            equal(await manager.hooks.execute('before_render', { w: 1 }), { w: 1 }, 'a call in a worker');
          } else {
            await rejects(manager.load(plugin(input, 'echo')), 'E_UNSUPPORTED', 'no worker isolation here', { pluginId: 'echo' });
          }
        },
        { isolation: 'worker' },
      );
    },
  },
];

/**
 * Runs every case (or those whose name includes `only`) and reports each.
 *
 * @example
 * ```ts
 * const results = await runSuite(input);
 * const failed = results.filter((r) => !r.ok);
 * ```
 */
export async function runSuite(input: SuiteInput, only?: string): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of CASES) {
    if (only !== undefined && !c.name.includes(only)) continue;
    const start = Date.now();
    try {
      await c.run(input);
      results.push({ name: c.name, ok: true, ms: Date.now() - start });
    } catch (err) {
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      results.push({ name: c.name, ok: false, error, ms: Date.now() - start });
    }
  }
  return results;
}
