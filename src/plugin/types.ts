/**
 * The shapes shared by plugin runtimes (WASM and JS) and the manager.
 */
import type { FuelProfileEntry } from './fuel-profile.ts';
import type { PluginEvent, EventFilter, EventHandler, PublishInput } from '../events/event-bus.ts';
import type { DefineOptions, ExecuteOptions, HookContext, RegisterOptions } from '../hooks/hook-manager.ts';
import type { ManifestInput, PluginMetadata } from '../manifest/types.ts';
import type { PluginError } from '../errors.ts';

/**
 * A content type definition, as a plugin returns it from `content_type`. Only `schema` has a
 * meaning to the host; other fields (label, icon, fields for an editor…) are kept as given.
 *
 * @example
 * ```ts
 * const def: ContentTypeDefinition = { label: 'Article', schema: { type: 'object', required: ['title'] } };
 * ```
 */
export interface ContentTypeDefinition {
  /** A JSON Schema content of this type must match. */
  schema?: Record<string, unknown>;
  label?: string;
  [key: string]: unknown;
}

/**
 * A template function's implementation.
 *
 * @example
 * ```ts
 * const slug: TemplateFunctionImpl = (args) => String((args as string[])[0]).toLowerCase().replace(/\W+/g, '-');
 * ctx.templates.register('slug', slug);
 * ```
 */
export type TemplateFunctionImpl = (args: unknown) => Promise<unknown> | unknown;

/**
 * What a guest's publication is caused by: the event its call is handling, or (a direct host
 * call) a token made for that one call, naming it.
 */
export type ChainKey = PluginEvent | { readonly call: string };

/** A module ready to instantiate, and whether it meters itself. */
export interface PreparedModule {
  module: WebAssembly.Module;
  /** True when the module carries our fuel/limit globals. */
  instrumented: boolean;
  /** sha256 of the original bytes (undefined for modules handed over compiled). */
  sha256: string | undefined;
}

/**
 * A logger the host provides; `console` fits.
 *
 * @example
 * ```ts
 * const logger: Logger = { debug() {}, info: console.info, warn: console.warn, error: console.error };
 * new PluginManager({ logger });
 * ```
 */
export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

/**
 * Where a plugin's module comes from.
 *
 * @example
 * ```ts
 * const wasm: WasmInput = new URL('https://cdn.example.com/seo.wasm');
 * await manager.load({ manifest: toml, wasm });
 * ```
 */
export type WasmInput = Uint8Array | ArrayBuffer | WebAssembly.Module | URL;

/**
 * What `manager.load` accepts.
 *
 * @example
 * ```ts
 * await manager.load({ dir: 'plugins/seo' });                       // Node, Deno
 * await manager.load({ manifest: tomlText, wasm: bytes });           // everywhere
 * await manager.load({ plugin: { metadata: { id: 'x', name: 'X', version: '1.0.0' }, initialize(ctx) {} } });
 * ```
 */
export type PluginSource = { dir: string } | { manifest: ManifestInput; wasm: WasmInput } | { plugin: Plugin };

/**
 * The lifecycle states a plugin passes through.
 *
 * @example
 * ```ts
 * const usable = (state: PluginState) => state === 'active';
 * ```
 */
export type PluginState = 'loading' | 'active' | 'failed' | 'quarantined' | 'unloading';

/**
 * What a JS plugin receives in `initialize`: its id and config, a logger, and hooks and events
 * scoped to it (everything it registers is removed when it unloads).
 *
 * @example
 * ```ts
 * async initialize(ctx: PluginContext) {
 *   ctx.hooks.register('before_render', (page) => ({ ...page, site: ctx.config.site }));
 *   await ctx.events.publish({ type: 'hello.ready', data: {} });
 * }
 * ```
 */
export interface PluginContext {
  pluginId: string;
  config: Record<string, unknown>;
  logger: Logger;
  hooks: {
    /** Registers a handler (its return shape depends on the hook's kind: see docs/hooks.md). */
    register<T = any>(hook: string, handler: (data: T, context: HookContext) => unknown, options?: Omit<RegisterOptions, 'pluginId'>): () => void;
    /** Runs a hook (resolves by its kind: filter data, guard verdict, first answer, findings). */
    execute(hook: string, data: unknown, options?: ExecuteOptions): Promise<any>;
    /** Defines a hook of the plugin's own (`E_HOOK_DEFINITION` if it is defined differently). */
    define(hook: string, options: DefineOptions): void;
  };
  events: {
    subscribe(handler: EventHandler): () => void;
    subscribe(filter: EventFilter, handler: EventHandler): () => void;
    /** Publishes with this plugin's id as `source`. */
    publish<T>(input: Omit<PublishInput<T>, 'source'>): Promise<PluginEvent<T>>;
  };
  /** Contributes a content type (removed when the plugin unloads). */
  contentTypes: { register(name: string, definition: ContentTypeDefinition): void };
  /** Contributes a template function (removed when the plugin unloads). */
  templates: { register(name: string, impl: TemplateFunctionImpl): void };
}

/**
 * A trusted, in-process plugin written in JS/TS (the seed's native plugin type).
 *
 * @example
 * ```ts
 * const plugin: Plugin = {
 *   metadata: { id: 'hello', name: 'Hello', version: '1.0.0', capabilities: [{ Hook: 'before_render' }] },
 *   initialize(ctx) { ctx.hooks.register('before_render', (page) => ({ ...page, hello: true })); },
 * };
 * ```
 */
export interface Plugin {
  /** The manifest, in the shape of plugin.toml (snake_case or camelCase keys). */
  metadata: ManifestInput & object;
  initialize?(context: PluginContext): void | Promise<void>;
  shutdown?(): void | Promise<void>;
  handleCommand?(command: string, args: unknown): unknown | Promise<unknown>;
}

/**
 * Per-plugin counters, as `manager.stats(id)` returns them.
 *
 * @example
 * ```ts
 * const { calls, faults, fuel } = manager.stats('seo');
 * console.log(`${calls} calls, ${faults} faults, last call used ${fuel.last} fuel`);
 * ```
 */
export interface PluginStats {
  /** Calls into the plugin (hooks, events, commands, lifecycle). */
  calls: number;
  /** Calls that failed. */
  faults: number;
  /** Faults in a row since the last success. */
  consecutiveFaults: number;
  /**
   * Fuel used: by the last call and in total (null when fuel metering is off), and the budget
   * each call gets (the host's fuel limit lowered by the plugin's request; null when unmetered
   * or for JS plugins), so a UI can show `last` against `budget`.
   */
  fuel: { last: number | null; total: number; budget: number | null };
  /** Wall time spent in the plugin, milliseconds. */
  timeMs: { last: number; total: number };
  /** The last error, if any. */
  lastError: PluginError | undefined;
  /** How many times the instance was replaced after a trap. */
  restarts: number;
  /**
   * The last call's fuel by function (self fuel, most first), when the manager was created with
   * `profileFuel: true` (inline isolation; for tooling: it slows every call).
   */
  profile?: FuelProfileEntry[];
  /**
   * Host memory the plugin's instance holds: its linear memory plus its tables (8 bytes per
   * element), in bytes, after the last call (`bytes`) and at most since load (`peak`). WASM
   * plugins only (0 for JS plugins); the same figure in inline and worker isolation. `cap` is
   * the linear-memory cap each instance runs under (the `memoryBytes` limit; null for JS plugins).
   */
  memory: { bytes: number; peak: number; cap: number | null };
}

/**
 * One entry of `manager.plugins()`.
 *
 * @example
 * ```ts
 * for (const p of manager.plugins()) if (p.state === 'failed') console.warn(p.id, p.error?.message);
 * ```
 */
export interface PluginInfo {
  id: string;
  /** Absent when the manifest itself could not be read. */
  metadata: PluginMetadata | undefined;
  state: PluginState;
  kind: 'wasm' | 'js';
  /** Why the plugin failed or was quarantined. */
  error: PluginError | undefined;
}

/**
 * What the manager needs from a loaded plugin, WASM or JS alike.
 */
export interface PluginRuntime {
  readonly kind: 'wasm' | 'js';
  /** Runs the plugin's initialize. */
  initialize(context: PluginContext): Promise<void>;
  /** Hooks this runtime handles itself (WASM: the declared ones); JS plugins register their own. */
  declaredHooks(): string[];
  /** Event patterns it receives through `deliverEvent` (WASM: the declared ones). */
  declaredEvents(): string[];
  invokeHook(hook: string, data: unknown): Promise<unknown>;
  deliverEvent(event: PluginEvent): Promise<void>;
  command(name: string, args: unknown): Promise<unknown>;
  /** Calls a declared Export as is: bytes in, bytes out (WASM only). */
  callExport(name: string, input: Uint8Array): Promise<Uint8Array>;
  /** Content types it declares and defines through its runtime (WASM: `content_type`). */
  declaredContentTypes(): string[];
  /** The definition of a declared content type. */
  contentType(name: string): Promise<unknown>;
  /** Template functions it declares and serves through its runtime (WASM: `template_function`). */
  declaredTemplateFunctions(): string[];
  templateFunction(name: string, args: unknown): Promise<unknown>;
  /** Waits for in-flight calls, runs the plugin's shutdown, frees resources. */
  shutdown(): Promise<void>;
}
