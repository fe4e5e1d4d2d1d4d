/**
 * `runtimeCapabilities()`: what the current runtime can do, so a host can pick an isolation
 * mode, decide whether plugins must be precompiled, and whether plugin HTTP can work, before
 * loading anything. Probes the platform (not just the adapter's claims) where it is cheap.
 */
import { defaultRuntime } from '#runtime';
import type { RuntimeAdapter } from './adapter.ts';
import { httpMode, type HttpMode } from '../http/http-mode.ts';

/**
 * What a runtime supports (see docs/runtimes.md for the table per runtime).
 *
 * @example
 * ```ts
 * const caps: RuntimeCapabilities = runtimeCapabilities();
 * if (!caps.runTimeCompile) console.log('load precompiled modules (the Vite plugin)');
 * ```
 */
export interface RuntimeCapabilities {
  /** The adapter's name: `node`, `deno`, `workerd`, `browser` or `web`. */
  runtime: string;
  /** `{ dir }` sources and `pluginDir` discovery. */
  fileSystem: boolean;
  /** `isolation: 'worker'` (wall-clock timeouts, a thread per plugin). */
  workerIsolation: boolean;
  /**
   * `isolation: 'worker'` for modules that import WASI (their own worker, which runs the WASI
   * layer beside the guest's memory). Where false, such modules run inline only.
   */
  wasiWorkerIsolation: boolean;
  /** `WebAssembly.Suspending` exists (async host functions on the main thread). */
  jspi: boolean;
  /**
   * How a plugin's `http_request` can be served: `'worker'` (worker isolation), `'jspi'`
   * (inline, through JSPI), or `'none'`.
   */
  http: HttpMode;
  /**
   * WebAssembly can be compiled at run time. False in workerd: plugins must be instrumented and
   * compiled at build time (the Vite plugin) and loaded as `WebAssembly.Module`s.
   */
  runTimeCompile: boolean;
}

/** The smallest valid module: magic and version. */
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

let compileProbe: boolean | undefined;

/**
 * Whether this runtime lets code compile WebAssembly now. workerd throws "Wasm code generation
 * disallowed by embedder" even for the empty module, so one synchronous compile of 8 bytes
 * answers it; the result is cached.
 */
export function canCompileWasm(): boolean {
  if (compileProbe === undefined) {
    try {
      new WebAssembly.Module(EMPTY_MODULE);
      compileProbe = true;
    } catch {
      compileProbe = false;
    }
  }
  return compileProbe;
}

/**
 * Whether JSPI (`WebAssembly.Suspending`) is available.
 */
export function hasJspi(): boolean {
  return typeof (WebAssembly as unknown as { Suspending?: unknown }).Suspending === 'function';
}

/**
 * What the given runtime adapter (default: this runtime's, chosen by `#runtime`) supports here.
 *
 * @example
 * ```ts
 * import { runtimeCapabilities, PluginManager } from '@reedcms/plugins';
 * const caps = runtimeCapabilities();
 * const manager = new PluginManager({ isolation: caps.workerIsolation ? 'worker' : 'inline' });
 * if (!caps.runTimeCompile) console.log('load modules built by @reedcms/plugins/vite');
 * ```
 */
export function runtimeCapabilities(adapter: RuntimeAdapter = defaultRuntime): RuntimeCapabilities {
  const workerIsolation = adapter.hasWorkers;
  const jspi = hasJspi();
  return {
    runtime: adapter.name,
    fileSystem: adapter.hasFileSystem,
    workerIsolation,
    wasiWorkerIsolation: workerIsolation && adapter.spawnGuestWorker !== undefined,
    jspi,
    // What the manager picks for a network plugin that asks for nothing special.
    http: httpMode({ isolation: 'inline', jspi, hasWorkers: workerIsolation }, true),
    runTimeCompile: canCompileWasm(),
  };
}
