/**
 * The lifecycle of one plugin generation: instantiate its runtime (a JS plugin object, or a
 * WASM module with its limits, network plan and isolation), initialize it with its context,
 * check what it contributes, and take it down. A built generation stays inactive until the
 * manager swaps it in, so a version that fails anywhere here never replaces the running one.
 */
import { capabilitySet } from '../manifest/capabilities.ts';
import { declaredHostFunctions } from './host-supplied-functions.ts';
import { resolveWasiSettings } from '../wasi/wasi-settings.ts';
import { resolveMounts, type Mount, type MountSource } from '../wasi/wasi-mounts.ts';
import { ErrorCodes, PluginError, describeError } from '../errors.ts';
import type { PluginMetadata } from '../manifest/types.ts';
import { Events } from '../events/event-names.ts';
import { importsHttp } from '../http/http-mode.ts';
import { JsPlugin } from '../plugin/js-plugin.ts';
import { resolveLimits } from '../plugin/limits.ts';
import { DEFAULT_MEMORY_BUDGET_BYTES, MemoryBudget } from '../plugin/memory-budget.ts';
import type { PluginRuntime } from '../plugin/types.ts';
import { WasmPlugin } from '../plugin/wasm-plugin.ts';
import type { RuntimeAdapter } from '../runtime/adapter.ts';
import { hasJspi } from '../runtime/capabilities.ts';
import { validateConfig } from './config-schema.ts';
import type { GuestChannel } from './guest-channel.ts';
import type { PluginManagerConfig } from './manager-config.ts';
import { ModuleCache } from './module-cache.ts';
import { readContributions, type ContributionTargets } from './plugin-contributions.ts';
import { createPluginContext, type ContextDeps } from './plugin-context.ts';
import { quarantine, retire } from './plugin-lifecycle.ts';
import type { Generation, PluginRecord } from './plugin-record.ts';
import type { DescribedSource } from './resolve-source.ts';
import type { GuestWorkerPort } from '../engine/worker-channel.ts';

/** What building generations needs from the manager. */
export interface GenerationBuilderDeps extends ContextDeps, ContributionTargets {
  config: PluginManagerConfig;
  runtime: RuntimeAdapter;
  /** Where WASM guests' events, logs and refusals go. */
  guest: GuestChannel;
}

/** Builds generations for one manager (and shares its compiled-module cache between them). */
export class GenerationBuilder {
  readonly #deps: GenerationBuilderDeps;
  readonly #modules: ModuleCache;
  /** The manager-wide memory budget every WASM instance draws on. */
  readonly #memory: MemoryBudget;

  constructor(deps: GenerationBuilderDeps) {
    this.#deps = deps;
    this.#modules = new ModuleCache(64, deps.config.profileFuel === true);
    this.#memory = new MemoryBudget(deps.config.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES);
  }

  /**
   * Instantiates, initializes and checks a new generation (inactive until swapped in). On
   * failure it is taken down before the error is thrown.
   *
   * @throws PluginError: `E_CONFIG`, `E_WASM`, `E_LINK`, `E_EXPORT`, `E_INIT`, `E_CAPABILITY`, …
   */
  async build(record: PluginRecord, described: DescribedSource): Promise<Generation> {
    const { metadata } = described;
    // The host's config for the plugin, checked against the plugin's schema before initialize.
    const config = await validateConfig(metadata.configSchema, this.#deps.config.plugins?.[metadata.id] ?? {}, metadata.id);
    const runtime: PluginRuntime = described.kind === 'js' ? new JsPlugin(metadata.id, described.plugin, record.stats) : await this.#createWasm(record, described, config);
    const generation: Generation = { metadata, runtime, contentTypes: {}, templates: {}, disposers: [], phase: 'pending' };
    try {
      await runtime.initialize(createPluginContext(metadata.id, config, generation, this.#deps));
      await readContributions(generation, this.#deps);
    } catch (err) {
      await takeDown(generation);
      throw err;
    }
    return generation;
  }

  async #createWasm(record: PluginRecord, described: DescribedSource & { kind: 'wasm' }, config: Record<string, unknown>): Promise<WasmPlugin> {
    const { metadata } = described;
    const { config: host, runtime, guest } = this.#deps;
    const isolation = host.isolation ?? 'inline';
    if (isolation === 'worker' && !runtime.hasWorkers) {
      throw new PluginError(ErrorCodes.UNSUPPORTED, `isolation 'worker' is not available in this runtime (${runtime.name}); use 'inline', where fuel bounds CPU`, {
        pluginId: metadata.id,
        operation: 'load',
      });
    }
    const limits = resolveLimits(host.limits, metadata.limits);
    // Network plugins on a runtime without JSPI move to worker isolation (docs/network.md). The
    // HTTP layer is loaded only for a plugin the network policy concerns (either side allows
    // hosts) or whose module imports Extism's HTTP functions: a frontend whose plugins do
    // neither never downloads it.
    const planNetwork = async () =>
      (await import('../http/plan-http.ts')).planHttp({
        pluginId: metadata.id,
        hostAllowed: host.allowedHosts,
        pluginAllowed: metadata.network.allowedHosts,
        isolation,
        hasWorkers: runtime.hasWorkers,
        jspi: hasJspi(),
        limits: host.limits,
        requested: metadata.limits,
        callTimeoutMs: limits.timeoutMs,
        fetch: host.fetch,
        onDenied: (d) => guest.denied({ pluginId: metadata.id, what: 'http', code: d.code, reason: d.reason, kind: d.kind, url: d.url, ...(d.limit === undefined ? {} : { limit: d.limit }) }),
      });
    let net = (host.allowedHosts?.length ?? 0) > 0 || metadata.network.allowedHosts.length > 0 ? await planNetwork() : undefined;
    const prepared = await this.#modules.prepare(await described.module(), limits, metadata.id);
    if (net === undefined && importsHttp(prepared.module)) net = await planNetwork();
    const supplied = declaredHostFunctions(capabilitySet(metadata).hostFunctions, host.hostFunctions, metadata.id);
    return WasmPlugin.create({
      metadata,
      supplied,
      profile: host.profileFuel === true,
      prepared,
      config,
      limits,
      memoryBudget: this.#memory,
      http: net?.http,
      logLevel: host.logLevels?.[metadata.id] ?? host.logLevel ?? 'info',
      onLog: (level, message, call) => guest.log(metadata.id, level, message, call),
      publish: (type, data, cause, call) => guest.publish(metadata, type, data, cause, call),
      onEventsRefused: (reason, limit) => guest.denied({ pluginId: metadata.id, what: 'event', reason, limit }),
      stats: record.stats,
      isolation: net?.isolation ?? isolation,
      workerOptions: runtime.workerOptions,
      spawnWorker: runtime.spawnGuestWorker === undefined ? undefined : () => (runtime.spawnGuestWorker as () => GuestWorkerPort).call(runtime),
      onFault: (error) => this.#onFault(record, error),
      wasi: { ...resolveWasiSettings(metadata.wasi, host.deterministic, host.wasi?.[metadata.id]), mounts: grantedMounts(metadata, host.filesystem?.[metadata.id], runtime) },
    });
  }

  /** Quarantines a plugin after too many faults in a row: its handlers are skipped until reload. */
  #onFault(record: PluginRecord, error: PluginError): void {
    const threshold = this.#deps.config.quarantineAfter ?? 5;
    if (threshold <= 0 || record.state !== 'active' || record.stats.consecutiveFaults < threshold) return;
    quarantine(record, error);
    const message = `quarantined after ${record.stats.consecutiveFaults} consecutive faults (last: ${error.code}); reload it to try again`;
    this.#deps.logger.warn(`[${record.id}] ${message}`);
    this.#deps.events.publish({ type: Events.PLUGIN_QUARANTINED, data: { pluginId: record.id, faults: record.stats.consecutiveFaults, code: error.code, message } }).catch(() => {});
  }
}

/**
 * The mounts a plugin's manifest asks for and the host grants (src/wasi/wasi-mounts.ts).
 *
 * @throws PluginError `E_CONFIG` when a grant cannot be honoured here (a real directory where the
 *   runtime has no file system, `rw` on a real directory, a mount point that is not absolute).
 */
function grantedMounts(metadata: PluginMetadata, granted: Record<string, MountSource> | undefined, runtime: RuntimeAdapter): Mount[] {
  if (metadata.filesystem === undefined || granted === undefined) return [];
  try {
    return resolveMounts(metadata.filesystem.mounts, granted, runtime.openDirectory?.bind(runtime));
  } catch (err) {
    throw new PluginError(ErrorCodes.CONFIG, describeError(err), { pluginId: metadata.id, cause: err, operation: 'load' });
  }
}

/**
 * Retires a generation (its own registrations go) and shuts its runtime down once its
 * in-flight calls finish. A failing shutdown goes to `onError` (ignored by default: the
 * generation is being thrown away either way).
 */
export async function takeDown(generation: Generation, onError: (err: unknown) => void = () => {}): Promise<void> {
  retire(generation);
  await generation.runtime.shutdown().catch(onError);
}
