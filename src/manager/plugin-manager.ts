/**
 * The host's entry point: discovers, loads, initializes, runs and unloads plugins, and owns the
 * hook manager and event bus they share. One broken plugin never stops the others.
 */
import { DependencyError, ErrorCodes, PluginError, describeError } from '../errors.ts';
import { EventBus } from '../events/event-bus.ts';
import { Events } from '../events/event-names.ts';
import { HookManager } from '../hooks/hook-manager.ts';
import { capabilitySet } from '../manifest/capabilities.ts';
import { snapshotStats } from '../plugin/stats.ts';
import type { Logger, PluginInfo, PluginSource, PluginStats } from '../plugin/types.ts';
import { defaultRuntime } from '#runtime';
import type { RuntimeAdapter } from '../runtime/adapter.ts';
import { ContentTypeRegistry } from './content-types.ts';
import { activeVersions, checkReloadDependencies, dependentsOf } from './dependency-checks.ts';
import { planLoadOrder } from './dependency-order.ts';
import { FolderWatchers } from './folder-watchers.ts';
import { GenerationBuilder, takeDown } from './generation-lifecycle.ts';
import { GuestChannel } from './guest-channel.ts';
import { LifecycleQueues } from './lifecycle-queues.ts';
import type { PluginManagerConfig } from './manager-config.ts';
import { ErrorReporter, asPluginError, closingError, duplicateError, type ReportTargets } from './manager-errors.ts';
import { syncDeclared, withdraw, type ContributionTargets } from './plugin-contributions.ts';
import { activeGeneration, liveRecord, newRecord, pluginInfo, requireRecord, type Generation, type PluginRecord } from './plugin-record.ts';
import { activate, moveTo, retire } from './plugin-lifecycle.ts';
import { callInputBytes, decodeCallOutput } from './export-calls.ts';
import { checkHostFunctions } from './host-supplied-functions.ts';
import { describeSource, type DescribedSource } from './resolve-source.ts';
import { TemplateRegistry } from './template-functions.ts';

/**
 * What `initialize()` reports.
 *
 * @example
 * ```ts
 * const { loaded, failed }: InitializeResult = await manager.initialize();
 * for (const f of failed) console.warn(f.id, f.error?.code);
 * ```
 */
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
  /** The shared registries plugins contribute to (hooks, events, content types, templates). */
  readonly #targets: ContributionTargets;
  readonly #errors: ErrorReporter;
  readonly #generations: GenerationBuilder;
  /** Load, reload and unload of one plugin id run one at a time, in order. */
  readonly #lifecycle = new LifecycleQueues();
  /** Folder watchers of `watch: true`, by plugin id. */
  readonly #watchers: FolderWatchers;
  #loadCounter = 0;
  #closed = false;
  /** Set when shutdown begins: no new loads or reloads from then on. */
  #closing = false;

  constructor(config: PluginManagerConfig = {}) {
    checkHostFunctions(config.hostFunctions);
    this.#config = config;
    this.#runtime = config.runtime ?? defaultRuntime;
    this.#logger = config.logger ?? console;
    this.events = new EventBus({
      deliveryTimeoutMs: config.eventDeliveryTimeoutMs ?? 5_000,
      ...(config.maxPendingDeliveries !== undefined ? { maxPendingDeliveries: config.maxPendingDeliveries } : {}),
      onSubscriberError: (err, event, owner) => this.#errors.onSubscriberError(err, event, owner),
    });
    // Errors and guest diagnostics go to the logger, and to the bus until shutdown has finished.
    const out: ReportTargets = { logger: this.#logger, events: this.events, isClosed: () => this.#closed };
    this.#errors = new ErrorReporter(out);
    this.hooks = new HookManager({
      assertOpen: () => this.#assertOpen(),
      isPluginEnabled: (id) => this.#records.get(id)?.state === 'active',
      isPluginFailed: (id) => this.#records.get(id)?.state === 'quarantined',
      onHandlerError: (error) => this.#errors.report(error),
      strictHooks: config.strictHooks ?? false,
    });
    const guest = new GuestChannel(out, config.limits);
    this.#targets = { hooks: this.hooks, events: this.events, contentTypes: this.contentTypes, templates: this.templates, admitDelivery: (event, id) => guest.admitDelivery(event, id) };
    this.#generations = new GenerationBuilder({
      ...this.#targets,
      config,
      runtime: this.#runtime,
      logger: this.#logger,
      guest,
    });
    this.#watchers = new FolderWatchers(this.#runtime);
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

    const described = new Map<string, DescribedSource>();
    const failed: PluginInfo[] = [];
    for (const { source, name } of sources) {
      try {
        const item = await describeSource(source, this.#runtime);
        if (described.has(item.metadata.id) || liveRecord(this.#records, item.metadata.id) !== undefined) throw duplicateError(item.metadata.id);
        described.set(item.metadata.id, item);
      } catch (err) {
        failed.push(this.#recordFailure(err, name, source));
      }
    }

    const plan = planLoadOrder(
      [...described.values()].map((d) => d.metadata),
      activeVersions(this.#records),
    );
    for (const [id, error] of plan.failures) failed.push(this.#recordFailure(error, id, undefined, described.get(id)));
    const loaded: string[] = [];
    for (const id of plan.order) {
      const item = described.get(id) as DescribedSource;
      const missing = item.metadata.dependencies.find((d) => !d.optional && this.#records.get(d.pluginId)?.state !== 'active');
      try {
        if (missing !== undefined) {
          throw new DependencyError(`depends on "${missing.pluginId}", which failed to load`, missing.pluginId, { pluginId: id, operation: 'load' });
        }
        await this.#lifecycle.run(id, () => this.#loadDescribed(item));
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
      await this.#lifecycle.run(pluginId, async () => {
        this.#assertAccepting();
        if (liveRecord(this.#records, pluginId) !== undefined) throw duplicateError(pluginId);
        const failure = planLoadOrder([described.metadata], activeVersions(this.#records)).failures.get(pluginId);
        if (failure !== undefined) throw failure;
        await this.#loadDescribed(described);
      });
      return pluginId;
    } catch (err) {
      this.#errors.report(asPluginError(err, id, 'load'), { thrown: true });
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
    requireRecord(this.#records, id);
    await this.#lifecycle.run(id, () => this.#unload(id, options));
  }

  async #unload(id: string, options: { cascade?: boolean }): Promise<void> {
    const record = requireRecord(this.#records, id);
    if (record.generation === undefined) {
      this.#records.delete(id);
      return;
    }
    const dependents = dependentsOf(this.#records, id);
    if (dependents.length > 0 && options.cascade !== true) {
      throw new DependencyError(`cannot unload: required by ${dependents.map((d) => `"${d}"`).join(', ')} (pass { cascade: true } to unload them too)`, id, { pluginId: id, operation: 'unload' });
    }
    for (const dependent of dependents) if (this.#records.has(dependent)) await this.unload(dependent, options);
    moveTo(record, 'unloading');
    this.#watchers.stop(id);
    const generation = record.generation;
    withdraw(record, this.contentTypes);
    await takeDown(generation, (err) => this.#errors.report(asPluginError(err, id, 'shutdown')));
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
      requireRecord(this.#records, id);
      await this.#lifecycle.run(id, () => this.#reload(requireRecord(this.#records, id), source));
    } catch (err) {
      // A manifest too broken to name its plugin still belongs to the one being reloaded.
      const error = asPluginError(err, id, 'reload');
      const named = error.pluginId === undefined ? new PluginError(error.code, error.message, { pluginId: id, cause: error, operation: 'reload' }) : error;
      this.#errors.report(named, { thrown: true });
      throw named;
    }
  }

  async #reload(record: PluginRecord, source: PluginSource | undefined): Promise<void> {
    const { id } = record;
    const nextSource = source ?? record.source;
    if (nextSource === undefined) throw new PluginError(ErrorCodes.INVALID_ARGUMENT, 'the plugin has no source to reload from: pass one', { pluginId: id, operation: 'reload' });
    const described = await describeSource(nextSource, this.#runtime);
    if (described.metadata.id !== id) {
      throw new PluginError(ErrorCodes.MANIFEST, `the new source is plugin "${described.metadata.id}", not "${id}"`, { pluginId: id, operation: 'reload' });
    }
    checkReloadDependencies(this.#records, id, described.metadata);
    if (record.generation === undefined) {
      this.#records.delete(id);
      await this.#loadDescribed(described);
      return;
    }
    const next = await this.#generations.build(record, described);
    if (this.#closing || this.#records.get(id) !== record) {
      // Shutdown began while the new version was being built: it must not go live.
      await takeDown(next);
      throw closingError(id, 'reload');
    }
    const old = record.generation;
    retire(old);
    activate(record, next);
    record.source = nextSource;
    syncDeclared(record, this.#targets);
    await takeDown(old, (err) => this.#errors.report(asPluginError(err, id, 'shutdown')));
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
    await this.#lifecycle.idle();
    await this.events.publish({ type: Events.SYSTEM_SHUTDOWN, data: {} });
    const order = [...this.#records.values()].sort((a, b) => b.loadedAt - a.loadedAt);
    for (const record of order) {
      if (this.#records.has(record.id)) await this.unload(record.id, { cascade: true }).catch((err: unknown) => this.#errors.report(asPluginError(err, record.id, 'shutdown')));
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
    const record = requireRecord(this.#records, id);
    const generation = activeGeneration(record, `command:${name}`);
    if (!capabilitySet(generation.metadata).commands.includes(name)) {
      throw new PluginError(ErrorCodes.NOT_IMPLEMENTED, `command "${name}" is not declared by the plugin`, { pluginId: id, operation: `command:${name}` });
    }
    return generation.runtime.command(name, args);
  }

  /**
   * Calls a declared `{ Export = "…" }` of a WASM plugin as is, as Extism hosts call any export
   * (an existing Extism plugin needs no ReedCMS ABI), under all of the plugin's limits. The
   * input is bytes as given, a string as UTF-8, anything else as JSON; the output is bytes,
   * or with `{ as: 'text' | 'json' }` decoded.
   *
   * @throws PluginError `E_NOT_IMPLEMENTED` for an undeclared export; `E_INPUT` / `E_OUTPUT`
   *   for input that is not JSON-serializable / output that is not the text or JSON asked for.
   *
   * @example
   * ```ts
   * const out = await manager.call('vowels', 'count_vowels', 'Hello, World!', { as: 'json' }); // { count: 3, … }
   * ```
   */
  async call(id: string, name: string, input: unknown = new Uint8Array(0), options: { as?: 'bytes' | 'text' | 'json' } = {}): Promise<unknown> {
    this.#assertOpen();
    const record = requireRecord(this.#records, id);
    const operation = `call:${name}`;
    const generation = activeGeneration(record, operation);
    if (!capabilitySet(generation.metadata).exports.includes(name)) {
      throw new PluginError(ErrorCodes.NOT_IMPLEMENTED, `export "${name}" is not declared by the plugin ({ Export = "${name}" })`, { pluginId: id, operation });
    }
    const output = await generation.runtime.callExport(name, callInputBytes(input, id, name));
    return decodeCallOutput(output, options.as ?? 'bytes', id, name);
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
    return [...this.#records.values()].map(pluginInfo);
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
    return snapshotStats(requireRecord(this.#records, id).stats);
  }

  /** The runtime adapter in use (for `runtimeCapabilities`-style checks). */
  get runtime(): RuntimeAdapter {
    return this.#runtime;
  }

  async #loadDescribed(described: DescribedSource): Promise<void> {
    const { metadata } = described;
    const record = newRecord({ id: metadata.id, state: 'loading', source: described.source, known: { metadata, kind: described.kind }, error: undefined }, ++this.#loadCounter);
    this.#records.set(metadata.id, record);
    let generation: Generation | undefined;
    try {
      generation = await this.#generations.build(record, described);
      if (this.#closing) throw closingError(metadata.id, 'load');
      activate(record, generation);
      syncDeclared(record, this.#targets);
    } catch (err) {
      this.#records.delete(metadata.id);
      if (generation !== undefined) {
        // Built but never (or only partly) live: undo everything it registered, free it.
        withdraw(record, this.contentTypes);
        await takeDown(generation);
      }
      throw err;
    }
    if (this.#config.watch === true) {
      this.#watchers.watch(record.id, record.source, () => {
        if (this.#closed || !this.#records.has(record.id)) return;
        this.reload(record.id).catch(() => {
          // reload already reported it (plugin.error); the running version stays.
        });
      });
    }
    await this.events.publish({ type: Events.PLUGIN_LOADED, data: { id: metadata.id, version: metadata.version } });
  }

  #recordFailure(err: unknown, name: string, source: PluginSource | undefined, item?: DescribedSource): PluginInfo {
    const error = asPluginError(err, item?.metadata.id, 'load');
    if (this.#config.failOnError === true) throw error;
    const id = item?.metadata.id ?? error.pluginId ?? name;
    if (liveRecord(this.#records, id) === undefined) {
      const record = newRecord({ id, state: 'failed', source: source ?? undefined, known: { metadata: item?.metadata, kind: item?.kind ?? 'wasm' }, error }, ++this.#loadCounter);
      this.#records.set(id, record);
      this.#errors.report(error);
      return pluginInfo(record);
    }
    return { id, metadata: item?.metadata, state: 'failed', kind: item?.kind ?? 'wasm', error };
  }

  #assertAccepting(): void {
    this.#assertOpen();
    if (this.#closing) throw closingError(undefined, undefined);
  }

  #assertOpen(): void {
    if (this.#closed) throw new PluginError(ErrorCodes.CLOSED, 'the plugin manager is shut down');
  }
}
