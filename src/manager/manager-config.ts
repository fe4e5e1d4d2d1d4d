/**
 * The options of `new PluginManager(config)` and their defaults.
 */
import type { HostFunctionTable } from './host-supplied-functions.ts';
import type { LogLevel } from '../engine/extism-guest.ts';
import type { HostLimits } from '../plugin/limits.ts';
import type { Logger, PluginSource } from '../plugin/types.ts';
import type { RuntimeAdapter } from '../runtime/adapter.ts';
import type { WasiConfig } from '../wasi/wasi-settings.ts';
import type { MountSource } from '../wasi/wasi-mounts.ts';

/**
 * Everything a PluginManager can be configured with.
 *
 * @example
 * ```ts
 * const config: PluginManagerConfig = { pluginDir: 'plugins', plugins: { seo: { base_url: 'https://example.com' } } };
 * ```
 */
export interface PluginManagerConfig {
  /** Node/Deno: every subfolder holding a plugin.toml is loaded by `initialize()`. */
  pluginDir?: string;
  /** More sources `initialize()` loads (e.g. `{ manifest, wasm }` in browsers). */
  sources?: PluginSource[];
  /** `false` (default): a broken plugin is reported and the rest load. `true`: stop at the first. */
  failOnError?: boolean;
  limits?: HostLimits;
  /**
   * Host-wide memory budget, bytes, over every WASM plugin's linear memory, tables (8 bytes per
   * element) and host buffers: a load or a grow that would pass it is refused (`E_MEMORY`, limit
   * `memoryBudgetBytes`). Default 256 MiB (`DEFAULT_MEMORY_BUDGET_BYTES`).
   */
  memoryBudgetBytes?: number;
  /** `inline` (default: same thread) or `worker` (a worker thread per plugin). */
  isolation?: 'inline' | 'worker';
  /**
   * Host-wide egress allow-list: `scheme://host[:port]` patterns (`https://api.example.com`,
   * `https://*.example.com:443`, `http://127.0.0.1:8080`). A plugin reaches only URLs matching
   * both this list and its manifest's `[network] allowed_hosts`. Private, loopback, link-local
   * and metadata addresses need an entry naming them literally. Default: no network. See
   * docs/network.md.
   */
  allowedHosts?: string[];
  /**
   * The fetch plugins' HTTP goes through (default: the global `fetch`). Must support
   * `redirect: 'manual'` with readable `Location` (Node, Deno, workerd do; browsers do not).
   */
  fetch?: typeof fetch;
  /**
   * Host functions the host supplies, by namespace and name (as Extism's `functions`): a plugin
   * gets one only when its manifest declares it (`{ HostFunction = "extism:host/user.name" }`).
   * Each receives Extism's call context, whose `alloc`/`store` draw on the call's host-buffer
   * budget like the host's own; it must return error codes rather than throw.
   */
  hostFunctions?: HostFunctionTable;
  /**
   * Record a fuel profile of every call (`stats(id).profile`: the fuel each function used
   * itself). For tooling (`reed-plugin run --profile`): every function then reports its entry
   * and exit to the host, which slows calls several-fold. Inline isolation only.
   */
  profileFuel?: boolean;
  /** Per-plugin config, by plugin id. */
  plugins?: Record<string, Record<string, unknown>>;
  /** Where host and plugin messages go. Default: `console`. */
  logger?: Logger;
  /** The lowest guest log level passed on. Default `info`. */
  logLevel?: LogLevel;
  /** Per-plugin guest log levels by plugin id, overriding `logLevel` (`{ seo: 'debug' }`). */
  logLevels?: Record<string, LogLevel>;
  /** Platform services; the package entry point for each runtime sets the right default. */
  runtime?: RuntimeAdapter;
  /** How long `events.publish` waits for slow async subscribers. Default 5,000 ms. */
  eventDeliveryTimeoutMs?: number;
  /**
   * Consecutive failed calls after which a plugin is quarantined (its handlers skipped until
   * `reload`). Default 5; `0` never quarantines.
   */
  quarantineAfter?: number;
  /**
   * Node and Deno: reload a plugin loaded from a folder when its files change (debounced; a
   * version that fails to load leaves the running one in place). Default false.
   */
  watch?: boolean;
  /** When true, using a hook name nobody defined is an error (`E_UNKNOWN_HOOK`). Default false. */
  strictHooks?: boolean;
  /** Unfinished async deliveries one subscriber may have before its events are dropped. Default 1,024. */
  maxPendingDeliveries?: number;
  /**
   * WASI plugins see a fixed clock and seeded random bytes instead of the host's (tests,
   * replays). Default false; `wasi.<id>.deterministic` overrides it per plugin.
   */
  deterministic?: boolean;
  /** Per-plugin WASI settings by plugin id (args, env, deterministic); they win over the manifest's `[wasi]`. */
  wasi?: Record<string, WasiConfig>;
  /**
   * Files for WASI plugins, by plugin id and mount point: `{ seo: { '/data': { files: { 'a.md':
   * '…' } } } }` (in memory, every runtime; `mode: 'rw'` to allow writes within `maxBytes`) or
   * `{ dir: 'content' }` (a real directory on Node and Deno, read-only). A mount exists only where
   * the plugin's `[filesystem] mounts` also asks for it.
   */
  filesystem?: Record<string, Record<string, MountSource>>;
}
