/**
 * A one-plugin host for unit tests and `reed-plugin run`: the real manager, the plugin's real
 * limits and network policy, with every call's output, logs, events, requests, refusals, fuel
 * and time collected into one result.
 */
import type { FuelProfileEntry } from '../plugin/fuel-profile.ts';
import { ErrorCodes, PluginError, describeError } from '../errors.ts';
import { asPluginError } from '../manager/manager-errors.ts';
import type { PluginEvent } from '../events/event-bus.ts';
import { GuestEvents, type DeniedEventData, type LogEventData } from '../events/guest-events.ts';
import type { HostLimits } from '../plugin/limits.ts';
import { PluginManager } from '../manager/plugin-manager.ts';
import { parseManifest } from '../manifest/parse-manifest.ts';
import type { ManifestInput, PluginMetadata } from '../manifest/types.ts';
import { defaultRuntime } from '#runtime';
import type { RuntimeAdapter } from '../runtime/adapter.ts';
import type { Logger, PluginSource, WasmInput } from '../plugin/types.ts';
import { resolveLimits } from '../plugin/limits.ts';
import { mockFetch, type MockResponse, type RecordedRequest } from './mock-fetch.ts';

/**
 * Options of {@link createTestHost}.
 *
 * @example
 * ```ts
 * const options: TestHostOptions = { manifest: toml, wasm: bytes, config: { suffix: '!' }, limits: { fuel: 100_000 } };
 * const host = await createTestHost(options);
 * ```
 */
export interface TestHostOptions {
  /** The plugin folder (plugin.toml and its module): Node and Deno. */
  dir?: string;
  /** Or the manifest (TOML text or object) and the module, everywhere. */
  manifest?: string | Record<string, unknown>;
  wasm?: WasmInput;
  /** The plugin's config (validated against its config_schema). */
  config?: Record<string, unknown>;
  /** The host's limits (the plugin's `[limits]` may lower them). */
  limits?: HostLimits;
  isolation?: 'inline' | 'worker';
  /** Canned HTTP responses by URL; requests go through the real network policy first. */
  http?: Record<string, MockResponse>;
  /** The host-wide egress allow-list; default: what the plugin's manifest allows. */
  allowedHosts?: string[];
  /** Where the manager's own lines go; default: nowhere (they are in each result). */
  logger?: Logger;
  /** Record each call's fuel by function (`RunResult.profile`; slows calls; inline only). */
  profile?: boolean;
}

/**
 * What one call did.
 *
 * @example
 * ```ts
 * const { output, error, logs, fuel } = await host.run('after_render', page);
 * expect(error).toBeUndefined();
 * ```
 */
export interface RunResult {
  /** The call's result (for a filter: the new data), or undefined when it failed. */
  output: unknown;
  /** The typed error when the call failed. */
  error: PluginError | undefined;
  /** The plugin's log lines during the call. */
  logs: { level: LogEventData['level']; message: string }[];
  /** Events the plugin published during the call. */
  events: PluginEvent[];
  /** HTTP requests that reached the (mock) network. */
  requests: RecordedRequest[];
  /** What was refused (HTTP, event publishing), with the reason. */
  denied: DeniedEventData[];
  /** Fuel the call used (null when metering is off), and the budget. */
  fuel: number | null;
  fuelBudget: number | null;
  /** Wall time of the call in the plugin, milliseconds. */
  timeMs: number;
  /**
   * The plugin's memory (linear memory plus tables) after the call and its peak since load,
   * and the linear-memory cap, in bytes.
   */
  memory: { bytes: number; peak: number; cap: number };
  /** With `profile: true`: the fuel each function used itself, most first. */
  profile: FuelProfileEntry[] | undefined;
}

/**
 * A loaded plugin under test.
 *
 * @example
 * ```ts
 * const host: TestHost = await createTestHost({ dir: '.' });
 * const r = await host.command('reindex', { all: true });
 * await host.close();
 * ```
 */
export interface TestHost {
  readonly pluginId: string;
  readonly metadata: PluginMetadata;
  /** The manager behind it, for anything the helpers do not cover. */
  readonly manager: PluginManager;
  /** Runs one hook with the plugin's handler alone; never throws for a plugin failure. */
  run(hook: string, data: unknown): Promise<RunResult>;
  /** Calls a declared command. */
  command(name: string, args?: unknown): Promise<RunResult>;
  /** Delivers one event to the plugin (as the host would publish it). */
  event(event: { type: string; data?: unknown }): Promise<RunResult>;
  close(): Promise<void>;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Loads one plugin into a fresh manager, ready to call.
 *
 * @throws PluginError when the plugin cannot be loaded (bad manifest, missing export, …).
 *
 * @example
 * ```ts
 * import { createTestHost } from '@reedcms/plugins/testing';
 * const host = await createTestHost({ dir: '.', config: { suffix: '!' }, limits: { fuel: 100_000 } });
 * const r = await host.run('after_render', { path: '/', html: '<p>hi</p>' });
 * expect(r.error).toBeUndefined();
 * await host.close();
 * ```
 */
export async function createTestHost(options: TestHostOptions, runtime: RuntimeAdapter = defaultRuntime): Promise<TestHost> {
  const metadata = await readMetadata(options, runtime);
  const requests: RecordedRequest[] = [];
  const manager = new PluginManager({
    runtime,
    limits: options.limits ?? {},
    isolation: options.isolation ?? 'inline',
    // The plugin's own allow-list as the host's, so a test exercises the manifest's policy.
    allowedHosts: options.allowedHosts ?? metadata.network.allowedHosts,
    fetch: mockFetch(options.http ?? {}, requests),
    logger: options.logger ?? silent,
    logLevel: 'trace',
    failOnError: true,
    profileFuel: options.profile === true,
    plugins: options.config === undefined ? {} : { [metadata.id]: options.config },
  });
  try {
    await manager.load(sourceOf(options));
  } catch (err) {
    await manager.shutdown();
    throw err;
  }
  return new LoadedTestHost(manager, metadata, requests, options.limits ?? {});
}

async function readMetadata(options: TestHostOptions, runtime: RuntimeAdapter): Promise<PluginMetadata> {
  if (options.manifest !== undefined) return parseManifest(options.manifest as ManifestInput);
  if (options.dir === undefined) throw new PluginError(ErrorCodes.INVALID_ARGUMENT, 'createTestHost needs { dir } or { manifest, wasm }', { operation: 'load' });
  const path = runtime.joinPath(options.dir, 'plugin.toml');
  let text: string;
  try {
    text = await runtime.readText(path);
  } catch (err) {
    if (err instanceof PluginError) throw err;
    throw new PluginError(ErrorCodes.IO, `cannot read ${path}: ${describeError(err)}`, { cause: err, operation: 'load' });
  }
  return parseManifest(text, path);
}

function sourceOf(options: TestHostOptions): PluginSource {
  if (options.manifest !== undefined) {
    if (options.wasm === undefined) throw new PluginError(ErrorCodes.INVALID_ARGUMENT, 'createTestHost: { manifest } needs { wasm } too', { operation: 'load' });
    return { manifest: options.manifest as ManifestInput, wasm: options.wasm };
  }
  return { dir: options.dir as string };
}

/** The host: one call at a time, each observed through the manager's own events. */
class LoadedTestHost implements TestHost {
  readonly manager: PluginManager;
  readonly metadata: PluginMetadata;
  readonly #requests: RecordedRequest[];
  readonly #fuelBudget: number | null;
  readonly #memoryCap: number;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(manager: PluginManager, metadata: PluginMetadata, requests: RecordedRequest[], hostLimits: HostLimits) {
    this.manager = manager;
    this.metadata = metadata;
    this.#requests = requests;
    const limits = resolveLimits(hostLimits, metadata.limits);
    this.#fuelBudget = limits.fuel;
    this.#memoryCap = limits.memoryBytes;
  }

  get pluginId(): string {
    return this.metadata.id;
  }

  run(hook: string, data: unknown): Promise<RunResult> {
    return this.#observe(() => this.manager.hooks.execute(hook, data, { errorPolicy: 'fail' }));
  }

  command(name: string, args?: unknown): Promise<RunResult> {
    return this.#observe(() => this.manager.command(this.pluginId, name, args));
  }

  event(event: { type: string; data?: unknown }): Promise<RunResult> {
    return this.#observe(async () => {
      // Resolves once every subscriber, the plugin's on_event included, has handled it.
      await this.manager.events.publish({ type: event.type, data: event.data ?? null });
      return undefined;
    });
  }

  async close(): Promise<void> {
    await this.#chain.catch(() => {});
    await this.manager.shutdown();
  }

  /** Runs one call with everything it caused collected; calls are serialized so results never mix. */
  #observe(call: () => Promise<unknown>): Promise<RunResult> {
    const next = this.#chain.then(() => this.#collect(call));
    this.#chain = next.catch(() => {});
    return next;
  }

  async #collect(call: () => Promise<unknown>): Promise<RunResult> {
    const id = this.pluginId;
    const logs: RunResult['logs'] = [];
    const events: PluginEvent[] = [];
    const denied: DeniedEventData[] = [];
    const firstRequest = this.#requests.length;
    const offs = [
      this.manager.events.subscribe(GuestEvents.LOG, (e) => {
        const d = e.data as LogEventData;
        if (d.pluginId === id) logs.push({ level: d.level, message: d.message });
      }),
      this.manager.events.subscribe(GuestEvents.DENIED, (e) => {
        const d = e.data as DeniedEventData;
        if (d.pluginId === id) denied.push(d);
      }),
      this.manager.events.subscribe(
        (e) => e.source === id && !e.type.startsWith('plugin.'),
        (e) => void events.push(e),
      ),
    ];
    const before = this.manager.stats(id);
    const timeBefore = before.timeMs.total;
    let output: unknown;
    let error: PluginError | undefined;
    try {
      output = await call();
    } catch (err) {
      error = asPluginError(err, id, 'call');
    }
    // Diagnostics are published asynchronously: let them arrive before reading.
    await new Promise((resolve) => setTimeout(resolve, 0));
    for (const off of offs) off();
    const stats = this.manager.stats(id);
    return {
      output,
      error,
      logs,
      events,
      requests: this.#requests.slice(firstRequest),
      denied,
      fuel: stats.fuel.last,
      fuelBudget: this.#fuelBudget,
      timeMs: stats.timeMs.total - timeBefore,
      memory: { ...stats.memory, cap: this.#memoryCap },
      profile: stats.profile === undefined ? undefined : stats.profile.map((e) => ({ ...e })),
    };
  }
}
