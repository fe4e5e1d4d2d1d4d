/**
 * The host's entry point: discovers, loads, initializes, runs and unloads plugins, and owns the
 * hook manager and event bus they share. One broken plugin never stops the others.
 */
import { DependencyError, ErrorCodes, PluginError, describeError } from '../errors.ts';
import { EventBus, type PluginEvent } from '../events/event-bus.ts';
import { Events } from '../events/event-names.ts';
import { HookManager } from '../hooks/hook-manager.ts';
import { capabilitySet, eventTypeMatches } from '../manifest/capabilities.ts';
import type { PluginMetadata } from '../manifest/types.ts';
import { JsPlugin } from '../plugin/js-plugin.ts';
import { emptyStats, snapshotStats } from '../plugin/stats.ts';
import type { Logger, PluginInfo, PluginRuntime, PluginSource, PluginStats } from '../plugin/types.ts';
import { PublishStatus, WasmPlugin } from '../plugin/wasm-plugin.ts';
import { getDefaultRuntime, type RuntimeAdapter } from '../runtime/adapter.ts';
import { planLoadOrder } from './dependency-order.ts';
import type { PluginManagerConfig } from './manager-config.ts';
import { ModuleCache } from './module-cache.ts';
import { validateConfig } from './config-schema.ts';
import { ContentTypeRegistry, type ContentTypeDefinition } from './content-types.ts';
import { TemplateRegistry } from './template-functions.ts';
import { resolveLimits } from '../plugin/limits.ts';
import { GuestEvents, isGuestDiagnostic, type DeniedEventData } from '../http/guest-events.ts';
import { planHttp } from '../http/plan-http.ts';
import { hasJspi } from '../runtime/capabilities.ts';
import { createPluginContext, prefixedLogger } from './plugin-context.ts';
import { retire, type Generation, type PluginRecord } from './plugin-record.ts';
import { describeSource, type DescribedSource } from './resolve-source.ts';
import { SerialQueue } from '../util/serial-queue.ts';
import semver from 'semver';

/** Event type prefixes only the host publishes. */
const RESERVED_EVENT_PREFIXES = ['plugin.', 'system.', 'stream.'];
/** The longest chain of events plugins may publish in answer to each other. */
const MAX_EVENT_CHAIN = 8;

/** What `initialize()` reports. */
export interface InitializeResult {
  loaded: string[];
  failed: PluginInfo[];
}

/**
 * Loads and runs plugins.
 *
 * @example
 * ```ts
 * const manager = new PluginManager({ pluginDir: 'plugins', plugins: { seo: { base_url: 'https://example.com' } } });
 * await manager.initialize();
 * const page = await manager.hooks.execute(Hooks.AFTER_RENDER, { html });
 * await manager.shutdown();
 * ```
 */
export class PluginManager {
  /** Hook registration and dispatch. */
  readonly hooks: HookManager;
  /** The event bus shared by host and plugins. */
  readonly events: EventBus;
  /** Content types contributed by plugins (`{ ContentType = "…" }`). */
  readonly contentTypes = new ContentTypeRegistry();
  /** Template functions contributed by plugins (`{ TemplateFunction = "…" }`). */
  readonly templates = new TemplateRegistry();
  readonly #config: PluginManagerConfig;
  readonly #runtime: RuntimeAdapter;
  readonly #logger: Logger;
  readonly #records = new Map<string, PluginRecord>();
  readonly #modules = new ModuleCache();
  #loadCounter = 0;
  #closed = false;
  /** Set when shutdown begins: no new loads or reloads from then on. */
  #closing = false;
  /** Load, reload and unload of one plugin id run one at a time, in order. */
  readonly #lifecycle = new Map<string, SerialQueue>();
  /** How many plugin-published events led to each event (absent: published by the host). */
  readonly #eventDepth = new WeakMap<PluginEvent, number>();
  /** Folder watchers of `watch: true`, by plugin id. */
  readonly #watchers = new Map<string, () => void>();

  constructor(config: PluginManagerConfig = {}) {
    this.#config = config;
    this.#runtime = config.runtime ?? getDefaultRuntime();
    this.#logger = config.logger ?? console;
    this.events = new EventBus({
      deliveryTimeoutMs: config.eventDeliveryTimeoutMs ?? 5_000,
      ...(config.maxPendingDeliveries !== undefined ? { maxPendingDeliveries: config.maxPendingDeliveries } : {}),
      onSubscriberError: (err, event, owner) => this.#onSubscriberError(err, event, owner),
    });
    this.hooks = new HookManager({
      assertOpen: () => this.#assertOpen(),
      isPluginEnabled: (id) => this.#records.get(id)?.state === 'active',
      isPluginFailed: (id) => this.#records.get(id)?.state === 'quarantined',
      onHandlerError: (error) => this.#reportError(error),
      strictHooks: config.strictHooks ?? false,
    });
  }

  /**
   * Discovers every plugin under `pluginDir` (plus `sources`), checks their dependencies and
   * loads them in order: dependencies first, then priority, then id.
   *
   * @example
   * ```ts
   * const { loaded, failed } = await manager.initialize();
   * ```
   */
  async initialize(): Promise<InitializeResult> {
    this.#assertAccepting();
    const sources: Array<{ source: PluginSource; name: string }> = [];
    if (this.#config.pluginDir !== undefined) {
      const dirs = await this.#runtime.listPluginDirs(this.#config.pluginDir).catch((err: unknown) => {
        throw new PluginError(ErrorCodes.IO, `cannot list plugin folder ${this.#config.pluginDir}: ${describeError(err)}`, { cause: err, operation: 'initialize' });
      });
      for (const dir of dirs) sources.push({ source: { dir }, name: dir });
    }
    for (const [i, source] of (this.#config.sources ?? []).entries()) sources.push({ source, name: `sources[${i}]` });

    const described: DescribedSource[] = [];
    const failed: PluginInfo[] = [];
    for (const { source, name } of sources) {
      try {
        const item = await describeSource(source, this.#runtime);
        const clash = described.find((d) => d.metadata.id === item.metadata.id) ?? this.#liveRecord(item.metadata.id);
        if (clash !== undefined) throw duplicateError(item.metadata.id);
        described.push(item);
      } catch (err) {
        failed.push(this.#recordFailure(err, name, source));
      }
    }

    const plan = planLoadOrder(described.map((d) => d.metadata), this.#activeVersions());
    for (const [id, error] of plan.failures) {
      const item = described.find((d) => d.metadata.id === id);
      failed.push(this.#recordFailure(error, id, undefined, item));
    }
    const loaded: string[] = [];
    for (const id of plan.order) {
      const item = described.find((d) => d.metadata.id === id) as DescribedSource;
      const missing = item.metadata.dependencies.find((d) => !d.optional && this.#records.get(d.pluginId)?.state !== 'active');
      try {
        if (missing !== undefined) {
          throw new DependencyError(`depends on "${missing.pluginId}", which failed to load`, missing.pluginId, { pluginId: id, operation: 'load' });
        }
        await this.#serial(id, () => this.#loadDescribed(item));
        loaded.push(id);
      } catch (err) {
        failed.push(this.#recordFailure(err, id, undefined, item));
      }
    }
    await this.events.publish({ type: Events.SYSTEM_STARTUP, data: { loaded, failed: failed.map((f) => f.id) } });
    return { loaded, failed };
  }

  /**
   * Loads one plugin and initializes it; resolves with its id.
   *
   * @throws PluginError: `E_MANIFEST`, `E_DUPLICATE`, `E_DEPENDENCY`, `E_IO`, `E_WASM`, `E_LINK`, `E_EXPORT`, `E_INIT`, …
   *
   * @example
   * ```ts
   * const id = await manager.load({ manifest: tomlText, wasm: bytes });
   * ```
   */
  async load(source: PluginSource): Promise<string> {
    this.#assertAccepting();
    let id: string | undefined;
    try {
      const described = await describeSource(source, this.#runtime);
      const pluginId = (id = described.metadata.id);
      await this.#serial(pluginId, async () => {
        this.#assertAccepting();
        if (this.#liveRecord(pluginId) !== undefined) throw duplicateError(pluginId);
        const failure = planLoadOrder([described.metadata], this.#activeVersions()).failures.get(pluginId);
        if (failure !== undefined) throw failure;
        await this.#loadDescribed(described);
      });
      return pluginId;
    } catch (err) {
      this.#reportError(asPluginError(err, id, 'load'));
      throw err;
    }
  }

  /**
   * Unloads a plugin: its handlers stop, in-flight calls finish, its `shutdown` runs. A plugin
   * others require is refused (`E_DEPENDENCY`) unless `cascade` unloads them first.
   *
   * @example
   * ```ts
   * await manager.unload('seo');
   * await manager.unload('core', { cascade: true });
   * ```
   */
  async unload(id: string, options: { cascade?: boolean } = {}): Promise<void> {
    this.#requireRecord(id);
    await this.#serial(id, () => this.#unload(id, options));
  }

  async #unload(id: string, options: { cascade?: boolean }): Promise<void> {
    const record = this.#requireRecord(id);
    if (record.generation === undefined) {
      this.#records.delete(id);
      return;
    }
    const dependents = this.#dependentsOf(id);
    if (dependents.length > 0 && options.cascade !== true) {
      throw new DependencyError(`cannot unload: required by ${dependents.map((d) => `"${d}"`).join(', ')} (pass { cascade: true } to unload them too)`, id, { pluginId: id, operation: 'unload' });
    }
    for (const dependent of dependents) if (this.#records.has(dependent)) await this.unload(dependent, options);
    record.state = 'unloading';
    this.#watchers.get(id)?.();
    this.#watchers.delete(id);
    const generation = record.generation;
    this.#withdraw(record);
    await this.#takeDown(generation, (err) => this.#reportError(asPluginError(err, id, 'shutdown')));
    this.#records.delete(id);
    await this.events.publish({ type: Events.PLUGIN_UNLOADED, data: { id, version: generation.metadata.version } });
  }

  /**
   * Loads a plugin again (from its original source, or a new one) and swaps atomically: calls
   * already running finish on the old version; if the new one fails to load, the old one stays.
   *
   * @example
   * ```ts
   * await manager.reload('seo');
   * await manager.reload('seo', { manifest: newToml, wasm: newBytes });
   * ```
   */
  async reload(id: string, source?: PluginSource): Promise<void> {
    this.#assertAccepting();
    try {
      this.#requireRecord(id);
      await this.#serial(id, () => this.#reload(this.#requireRecord(id), source));
    } catch (err) {
      // A manifest too broken to name its plugin still belongs to the one being reloaded.
      const error = asPluginError(err, id, 'reload');
      const named = error.pluginId === undefined ? new PluginError(error.code, error.message, { pluginId: id, cause: error, operation: 'reload' }) : error;
      this.#reportError(named);
      throw named;
    }
  }

  async #reload(record: PluginRecord, source: PluginSource | undefined): Promise<void> {
    const { id } = record;
    const nextSource = source ?? record.source;
    if (nextSource === undefined) throw new PluginError(ErrorCodes.UNSUPPORTED, 'no source to reload from', { pluginId: id, operation: 'reload' });
    const described = await describeSource(nextSource, this.#runtime);
    if (described.metadata.id !== id) {
      throw new PluginError(ErrorCodes.MANIFEST, `the new source is plugin "${described.metadata.id}", not "${id}"`, { pluginId: id, operation: 'reload' });
    }
    this.#checkReloadDependencies(id, described);
    if (record.generation === undefined) {
      this.#records.delete(id);
      await this.#loadDescribed(described);
      return;
    }
    const next = await this.#buildGeneration(record, described);
    if (this.#closing || this.#records.get(id) !== record) {
      // Shutdown began while the new version was being built: it must not go live.
      await this.#takeDown(next);
      throw closingError(id, 'reload');
    }
    const old = record.generation;
    retire(old);
    record.generation = next;
    record.metadata = described.metadata;
    record.source = nextSource;
    record.state = 'active';
    record.error = undefined;
    record.stats.consecutiveFaults = 0;
    next.phase = 'active';
    this.#syncDeclared(record);
    await this.#takeDown(old, (err) => this.#reportError(asPluginError(err, id, 'shutdown')));
    await this.events.publish({ type: Events.PLUGIN_LOADED, data: { id, version: described.metadata.version, reloaded: true } });
  }

  /**
   * Unloads every plugin (dependents first) and closes the manager; later calls fail `E_CLOSED`.
   *
   * @example
   * ```ts
   * await manager.shutdown();
   * ```
   */
  async shutdown(): Promise<void> {
    if (this.#closed || this.#closing) return;
    this.#closing = true;
    // Let loads, reloads and unloads already under way settle before taking everything down.
    await Promise.all([...this.#lifecycle.values()].map((queue) => queue.idle()));
    await this.events.publish({ type: Events.SYSTEM_SHUTDOWN, data: {} });
    const order = [...this.#records.values()].sort((a, b) => b.loadedAt - a.loadedAt);
    for (const record of order) {
      if (this.#records.has(record.id)) await this.unload(record.id, { cascade: true }).catch((err: unknown) => this.#reportError(asPluginError(err, record.id, 'shutdown')));
    }
    this.#closed = true;
    this.events.clear();
  }

  /**
   * Runs a command a plugin declares (`{ Command = "reindex" }`).
   *
   * @throws PluginError `E_NOT_IMPLEMENTED` for an undeclared command, `E_NOT_FOUND` for an unknown plugin.
   *
   * @example
   * ```ts
   * const result = await manager.command('seo', 'reindex', { all: true });
   * ```
   */
  async command(id: string, name: string, args: unknown = {}): Promise<unknown> {
    this.#assertOpen();
    const record = this.#requireRecord(id);
    const generation = this.#activeGeneration(record, `command:${name}`);
    if (!capabilitySet(generation.metadata).commands.includes(name)) {
      throw new PluginError(ErrorCodes.NOT_IMPLEMENTED, `command "${name}" is not declared by the plugin`, { pluginId: id, operation: `command:${name}` });
    }
    return generation.runtime.command(name, args);
  }

  /**
   * Every plugin the manager knows, with its state (failed ones included).
   *
   * @example
   * ```ts
   * manager.plugins().filter((p) => p.state === 'failed').forEach((p) => console.warn(p.id, p.error?.message));
   * ```
   */
  plugins(): PluginInfo[] {
    return [...this.#records.values()].map((r) => ({ id: r.id, metadata: r.metadata, state: r.state, kind: r.kind, error: r.error }));
  }

  /**
   * Call counters of one plugin.
   *
   * @example
   * ```ts
   * manager.stats('seo').calls;
   * ```
   */
  stats(id: string): PluginStats {
    return snapshotStats(this.#requireRecord(id).stats);
  }

  /** The runtime adapter in use (for `runtimeCapabilities`-style checks). */
  get runtime(): RuntimeAdapter {
    return this.#runtime;
  }

  async #loadDescribed(described: DescribedSource): Promise<void> {
    const { metadata } = described;
    const record: PluginRecord = {
      id: metadata.id,
      state: 'loading',
      kind: described.kind,
      source: described.source,
      generation: undefined,
      metadata,
      error: undefined,
      stats: emptyStats(),
      loadedAt: ++this.#loadCounter,
      declared: undefined,
    };
    this.#records.set(metadata.id, record);
    let generation: Generation | undefined;
    try {
      generation = await this.#buildGeneration(record, described);
      if (this.#closing) throw closingError(metadata.id, 'load');
      record.generation = generation;
      record.state = 'active';
      generation.phase = 'active';
      this.#syncDeclared(record);
    } catch (err) {
      this.#records.delete(metadata.id);
      if (generation !== undefined) {
        // Built but never (or only partly) live: undo everything it registered, free it.
        this.#withdraw(record);
        await this.#takeDown(generation);
      }
      throw err;
    }
    this.#watch(record);
    await this.events.publish({ type: Events.PLUGIN_LOADED, data: { id: metadata.id, version: metadata.version } });
  }

  /** `watch: true`: reload a folder plugin when its files change, debounced. */
  #watch(record: PluginRecord): void {
    const source = record.source;
    if (this.#config.watch !== true || source === undefined || !('dir' in source) || this.#runtime.watchDir === undefined) return;
    if (this.#watchers.has(record.id)) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = this.#runtime.watchDir(source.dir, () => {
      clearTimeout(timer);
      // Editors and build tools write in bursts: wait for the folder to settle.
      timer = setTimeout(() => {
        if (this.#closed || !this.#records.has(record.id)) return;
        this.reload(record.id).catch(() => {
          // reload already reported it (plugin.error); the running version stays.
        });
      }, 150);
    });
    this.#watchers.set(record.id, () => {
      clearTimeout(timer);
      stop();
    });
  }

  /** Instantiates, initializes and registers a new generation (inactive until swapped in). */
  async #buildGeneration(record: PluginRecord, described: DescribedSource): Promise<Generation> {
    const { metadata } = described;
    // The host's config for the plugin, checked against the plugin's schema before initialize.
    const config = validateConfig(metadata.configSchema, this.#config.plugins?.[metadata.id] ?? {}, metadata.id);
    const runtime: PluginRuntime = described.kind === 'js' ? new JsPlugin(metadata.id, described.plugin, record.stats) : await this.#createWasm(record, described, config);
    const generation: Generation = { metadata, runtime, contentTypes: {}, templates: {}, disposers: [], phase: 'pending' };
    try {
      await runtime.initialize(
        createPluginContext(metadata.id, config, generation, { hooks: this.hooks, events: this.events, logger: this.#logger, contentTypes: this.contentTypes, templates: this.templates }),
      );
      await this.#readContributions(generation);
    } catch (err) {
      await this.#takeDown(generation);
      throw err;
    }
    return generation;
  }

  async #createWasm(record: PluginRecord, described: DescribedSource & { kind: 'wasm' }, config: Record<string, unknown>): Promise<WasmPlugin> {
    const { metadata } = described;
    const isolation = this.#config.isolation ?? 'inline';
    if (isolation === 'worker' && !this.#runtime.hasWorkers) {
      throw new PluginError(ErrorCodes.UNSUPPORTED, `isolation 'worker' is not available in this runtime (${this.#runtime.name}); use 'inline', where fuel bounds CPU`, { pluginId: metadata.id, operation: 'load' });
    }
    const limits = resolveLimits(this.#config.limits, metadata.limits);
    // Network plugins on a runtime without JSPI move to worker isolation (docs/network.md).
    const net = planHttp({
      pluginId: metadata.id, hostAllowed: this.#config.allowedHosts, pluginAllowed: metadata.network.allowedHosts, isolation,
      hasWorkers: this.#runtime.hasWorkers, jspi: hasJspi(), limits: this.#config.limits, requested: metadata.limits, callTimeoutMs: limits.timeoutMs, fetch: this.#config.fetch,
      onDenied: (d) => this.#denied({ pluginId: metadata.id, what: 'http', reason: d.reason, kind: d.kind, url: d.url, ...(d.limit === undefined ? {} : { limit: d.limit }) }),
    });
    const prepared = await this.#modules.prepare(await described.module(), limits, metadata.id);
    return WasmPlugin.create({
      metadata,
      prepared,
      config,
      limits,
      http: net.http,
      logLevel: this.#config.logLevels?.[metadata.id] ?? this.#config.logLevel ?? 'info',
      onLog: (level, message) => this.#guestLog(metadata.id, level, message),
      publish: (type, data, cause) => this.#publishFromGuest(metadata, type, data, cause),
      stats: record.stats,
      isolation: net.isolation,
      workerOptions: this.#runtime.workerOptions,
      onFault: (error) => this.#onFault(record, error),
    });
  }

  /** Quarantines a plugin after too many faults in a row: its handlers are skipped until reload. */
  #onFault(record: PluginRecord, error: PluginError): void {
    const threshold = this.#config.quarantineAfter ?? 5;
    if (threshold <= 0 || record.state !== 'active' || record.stats.consecutiveFaults < threshold) return;
    record.state = 'quarantined';
    record.error = error;
    const message = `quarantined after ${record.stats.consecutiveFaults} consecutive faults (last: ${error.code}); reload it to try again`;
    this.#logger.warn(`[${record.id}] ${message}`);
    this.events.publish({ type: Events.PLUGIN_QUARANTINED, data: { pluginId: record.id, faults: record.stats.consecutiveFaults, code: error.code, message } }).catch(() => {});
  }

  /** Reads a WASM plugin's content type definitions and checks no other plugin owns its names. */
  async #readContributions(generation: Generation): Promise<void> {
    const { metadata, runtime } = generation;
    for (const name of runtime.declaredContentTypes()) {
      const definition = await runtime.contentType(name);
      if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
        throw new PluginError(ErrorCodes.OUTPUT, `content_type("${name}") must return a JSON object such as { "schema": { … } }`, { pluginId: metadata.id, operation: 'content_type' });
      }
      generation.contentTypes[name] = definition as ContentTypeDefinition;
    }
    this.contentTypes.checkPlugin(metadata.id, Object.keys(generation.contentTypes), generation.contentTypes);
    // A hook the plugin declares with a kind must not clash with how the hook is already defined.
    for (const [hook, kind] of Object.entries(capabilitySet(metadata).hookKinds)) {
      const current = this.hooks.definition(hook);
      if (current !== undefined && current.origin !== 'implicit' && current.kind !== kind) {
        throw new PluginError(ErrorCodes.HOOK_DEFINITION, `declares hook "${hook}" as ${kind}, but it is defined as ${current.kind}`, { pluginId: metadata.id, operation: 'load' });
      }
    }
    this.templates.checkPlugin(metadata.id, runtime.declaredTemplateFunctions());
  }

  /**
   * Registers a WASM plugin's declared hooks and events, once per plugin: the handlers call
   * whatever generation is current when they run, so a reload swaps versions without a gap (a
   * chain never sees "neither version"). Re-registered only when the declarations change.
   */
  #syncDeclared(record: PluginRecord): void {
    const generation = record.generation;
    if (generation === undefined) return;
    const { metadata, runtime } = generation;
    this.contentTypes.replacePlugin(record.id, generation.contentTypes);
    for (const [name, impl] of Object.entries(generation.templates)) generation.disposers.push(this.templates.register(record.id, name, impl));
    for (const [hook, kind] of Object.entries(capabilitySet(metadata).hookKinds)) {
      // Checked before the swap (#readContributions); defining the same kind again is a no-op.
      if (this.hooks.definition(hook)?.origin !== 'builtin') this.hooks.define(hook, { kind });
    }
    const hooks = runtime.declaredHooks();
    const patterns = runtime.declaredEvents();
    const functions = runtime.declaredTemplateFunctions();
    const signature = JSON.stringify([hooks, metadata.priority, patterns, functions]);
    if (record.declared?.signature === signature) return;
    record.declared?.dispose();
    const disposers: Array<() => void> = [];
    for (const hook of hooks) {
      const handler = (data: unknown) => (record.generation === undefined ? undefined : record.generation.runtime.invokeHook(hook, data));
      disposers.push(this.hooks.register(hook, handler, { priority: metadata.priority, pluginId: metadata.id }));
    }
    if (patterns.length > 0) {
      // One subscription for all patterns, so an event matching two is delivered once; a
      // plugin's own events are not echoed back to it (that would invite loops).
      const wanted = (e: PluginEvent) => e.source !== metadata.id && !isGuestDiagnostic(e.type) && patterns.some((p) => eventTypeMatches(p, e.type));
      const handler = (e: PluginEvent) => (record.state === 'active' && record.generation !== undefined ? record.generation.runtime.deliverEvent(e) : undefined);
      disposers.push(this.events.subscribeAs(metadata.id, wanted, handler));
    }
    for (const name of functions) {
      const impl = (args: unknown) => {
        if (record.state !== 'active' || record.generation === undefined) {
          throw new PluginError(ErrorCodes.UNSUPPORTED, `template function "${name}": the plugin is ${record.state}`, { pluginId: record.id, operation: `template:${name}` });
        }
        return record.generation.runtime.templateFunction(name, args);
      };
      disposers.push(this.templates.register(record.id, name, impl));
    }
    record.declared = { signature, dispose: () => disposers.splice(0).forEach((dispose) => dispose()) };
  }

  /** `reed_publish_event` from a guest: only declared event types, always with its own source. */
  #publishFromGuest(metadata: PluginMetadata, type: string, data: unknown, cause: PluginEvent | undefined): number {
    const declared = capabilitySet(metadata).events;
    if (RESERVED_EVENT_PREFIXES.some((prefix) => type.startsWith(prefix))) {
      this.#denied({ pluginId: metadata.id, what: 'event', reason: `publishing "${type}" was refused: plugin.*, system.* and stream.* events are the host's own`, type });
      return PublishStatus.DENIED;
    }
    if (!declared.some((pattern) => eventTypeMatches(pattern, type))) {
      this.#denied({ pluginId: metadata.id, what: 'event', reason: `publishing "${type}" was refused: the plugin declares no matching Event capability`, type });
      return PublishStatus.DENIED;
    }
    // Plugins answering each other's events could chain forever: bound the chain's length.
    const depth = (cause === undefined ? 0 : (this.#eventDepth.get(cause) ?? 0)) + 1;
    if (depth > MAX_EVENT_CHAIN) {
      this.#denied({ pluginId: metadata.id, what: 'event', reason: `publishing "${type}" was refused: an event chain of ${depth} plugin-published events (the limit is ${MAX_EVENT_CHAIN})`, type });
      return PublishStatus.DENIED;
    }
    // Host functions are synchronous: deliver after the guest call, on a macrotask, so a busy
    // chain of plugin events never starves timers and I/O.
    setTimeout(() => {
      if (this.#closed) return;
      let event: PluginEvent;
      try {
        event = this.events.createEvent({ type, data, source: metadata.id });
      } catch (err) {
        this.#logger.error(`[${metadata.id}] publish failed: ${describeError(err)}`);
        return;
      }
      this.#eventDepth.set(event, depth);
      this.events.dispatch(event).catch((err: unknown) => this.#logger.error(`[${metadata.id}] publish failed: ${describeError(err)}`));
    }, 0);
    return PublishStatus.OK;
  }

  #guestLog(id: string, level: 'trace' | 'debug' | 'info' | 'warn' | 'error', message: string): void {
    const line = `[${id}] ${message}`;
    if (level === 'trace' || level === 'debug') this.#logger.debug(line);
    else this.#logger[level](line);
    // Already bounded by the plugin's per-call log limit (WasmPlugin drops lines past it).
    if (!this.#closed) this.events.publish({ type: GuestEvents.LOG, data: { pluginId: id, level, message }, source: id }).catch(() => {});
  }

  /** A refused guest action: logged and published as `plugin.denied`; never throws. */
  #denied(data: DeniedEventData): void {
    this.#logger.warn(`[${data.pluginId}] denied ${data.what}: ${data.reason}`);
    if (!this.#closed) this.events.publish({ type: GuestEvents.DENIED, data, source: data.pluginId }).catch(() => {});
  }

  #onSubscriberError(err: unknown, event: PluginEvent, owner: string | undefined): void {
    const error = asPluginError(err, owner, `event:${event.type}`);
    // Never answer a failure in a plugin.error subscriber with another plugin.error: that loops.
    if (event.type === Events.PLUGIN_ERROR) this.#logger.error(error.message);
    else this.#reportError(error);
  }

  /** Logs an error and publishes `plugin.error`; never throws. */
  #reportError(error: PluginError): void {
    this.#logger.warn(error.message);
    if (this.#closed) return;
    this.events.publish({ type: Events.PLUGIN_ERROR, data: { pluginId: error.pluginId, code: error.code, operation: error.operation, message: error.message, error } }).catch(() => {});
  }

  #recordFailure(err: unknown, name: string, source: PluginSource | undefined, item?: DescribedSource): PluginInfo {
    const error = asPluginError(err, item?.metadata.id, 'load');
    if (this.#config.failOnError === true) throw error;
    const id = item?.metadata.id ?? error.pluginId ?? name;
    if (this.#liveRecord(id) === undefined) {
      this.#records.set(id, {
        id,
        state: 'failed',
        kind: item?.kind ?? 'wasm',
        source: source ?? undefined,
        generation: undefined,
        metadata: item?.metadata,
        error,
        stats: emptyStats(),
        loadedAt: ++this.#loadCounter,
        declared: undefined,
      });
      this.#reportError(error);
    }
    return { id, metadata: item?.metadata, state: 'failed', kind: item?.kind ?? 'wasm', error };
  }

  #liveRecord(id: string): PluginRecord | undefined {
    const record = this.#records.get(id);
    return record !== undefined && record.state !== 'failed' ? record : undefined;
  }

  #activeVersions(): Map<string, string> {
    const versions = new Map<string, string>();
    for (const r of this.#records.values()) if (r.state === 'active' && r.metadata !== undefined) versions.set(r.id, r.metadata.version);
    return versions;
  }

  #dependentsOf(id: string): string[] {
    return [...this.#records.values()]
      .filter((r) => r.generation !== undefined && r.generation.metadata.dependencies.some((d) => d.pluginId === id && !d.optional))
      .map((r) => r.id);
  }

  #requireRecord(id: string): PluginRecord {
    const record = this.#records.get(id);
    if (record === undefined) throw new PluginError(ErrorCodes.NOT_FOUND, `no plugin "${id}" is loaded`, { pluginId: id });
    return record;
  }

  #activeGeneration(record: PluginRecord, operation: string): Generation {
    if (record.state === 'quarantined') {
      throw new PluginError(ErrorCodes.QUARANTINED, 'the plugin is quarantined after repeated faults; reload it to try again', { pluginId: record.id, operation, cause: record.error });
    }
    if (record.state !== 'active' || record.generation === undefined) {
      throw new PluginError(ErrorCodes.UNSUPPORTED, `the plugin is ${record.state}`, { pluginId: record.id, operation, cause: record.error });
    }
    return record.generation;
  }

  /** Removes a plugin's per-plugin registrations: declared hooks, events, templates, content types. */
  #withdraw(record: PluginRecord): void {
    record.declared?.dispose();
    record.declared = undefined;
    this.contentTypes.replacePlugin(record.id, {});
  }

  /**
   * Retires a generation (its own registrations go) and shuts its runtime down once its
   * in-flight calls finish. A failing shutdown goes to `onError` (ignored by default: the
   * generation is being thrown away either way).
   */
  async #takeDown(generation: Generation, onError: (err: unknown) => void = () => {}): Promise<void> {
    retire(generation);
    await generation.runtime.shutdown().catch(onError);
  }

  /** Runs a lifecycle step for one plugin id after the ones already queued for it. */
  #serial<T>(id: string, task: () => Promise<T>): Promise<T> {
    let queue = this.#lifecycle.get(id);
    if (queue === undefined) {
      queue = new SerialQueue();
      this.#lifecycle.set(id, queue);
    }
    return queue.run(task);
  }

  /** A new version must satisfy its own dependencies and every dependent's range on it. */
  #checkReloadDependencies(id: string, described: DescribedSource): void {
    const versions = this.#activeVersions();
    versions.delete(id);
    const failure = planLoadOrder([described.metadata], versions).failures.get(id);
    if (failure !== undefined) throw failure;
    for (const other of this.#records.values()) {
      const dependency = other.generation?.metadata.dependencies.find((d) => d.pluginId === id);
      if (dependency === undefined || other.id === id) continue;
      if (!semver.satisfies(described.metadata.version, dependency.version, { includePrerelease: true })) {
        throw new DependencyError(`version ${described.metadata.version} would break "${other.id}", which requires ${id} ${dependency.version}`, other.id, { pluginId: id, operation: 'reload' });
      }
    }
  }

  #assertAccepting(): void {
    this.#assertOpen();
    if (this.#closing) throw closingError(undefined, undefined);
  }

  #assertOpen(): void {
    if (this.#closed) throw new PluginError(ErrorCodes.CLOSED, 'the plugin manager is shut down');
  }
}

function closingError(pluginId: string | undefined, operation: string | undefined): PluginError {
  return new PluginError(ErrorCodes.CLOSED, 'the plugin manager is shutting down', { pluginId, operation });
}

function duplicateError(id: string): PluginError {
  return new PluginError(ErrorCodes.DUPLICATE, `a plugin with id "${id}" is already loaded`, { pluginId: id, operation: 'load' });
}

function asPluginError(err: unknown, pluginId: string | undefined, operation: string): PluginError {
  if (err instanceof PluginError) return err;
  return new PluginError(ErrorCodes.UNSUPPORTED, describeError(err), { pluginId, cause: err, operation });
}
