/**
 * A WASM plugin behind the guest ABI (DESIGN.md): `initialize`, `shutdown`, `hook_<name>`,
 * `on_event`, `handle_command`, JSON in and out. Calls on its instance are serialized, and an
 * instance that trapped is replaced before the next call (guest state is unreliable after one).
 */
import { ErrorCodes, GuestError, PluginError, describeError } from '../errors.ts';
import { createGuest, functionExports, type Guest, type HostFunction, type LogLevel } from '../engine/extism-guest.ts';
import type { PluginEvent } from '../events/event-bus.ts';
import { hookExportName } from '../hooks/hook-names.ts';
import { capabilitySet, type CapabilitySet } from '../manifest/capabilities.ts';
import type { PluginMetadata } from '../manifest/types.ts';
import { decodeJson, encodeJson } from '../util/json-codec.ts';
import { SerialQueue } from '../util/serial-queue.ts';
import { recordFailure, recordSuccess } from './stats.ts';
import type { PluginContext, PluginRuntime, PluginStats } from './types.ts';

/** The status codes `reed_publish_event` returns to the guest. */
export const PublishStatus = { OK: 0, DENIED: 1, MALFORMED: 2 } as const;

/** What a WASM plugin needs from the manager. */
export interface WasmPluginOptions {
  metadata: PluginMetadata;
  module: WebAssembly.Module;
  config: Record<string, unknown>;
  logLevel: LogLevel;
  onLog: (level: Exclude<LogLevel, 'silent'>, message: string) => void;
  /** Publishes an event for the guest; returns a PublishStatus code. */
  publish: (type: string, data: unknown) => number;
  stats: PluginStats;
  isolation: 'inline' | 'worker';
  timeoutMs?: number;
}

/** Errors after which the instance's memory can no longer be trusted. */
const INSTANCE_BREAKING: ReadonlySet<string> = new Set([
  ErrorCodes.TRAP,
  ErrorCodes.FUEL,
  ErrorCodes.MEMORY,
  ErrorCodes.STACK,
  ErrorCodes.TIMEOUT,
]);

/**
 * Loads and drives one WASM plugin.
 *
 * @example
 * ```ts
 * const plugin = await WasmPlugin.create(options);   // instantiates, checks exports
 * await plugin.initialize(context);
 * const page = await plugin.invokeHook('after_render', { html: '…' });
 * ```
 */
export class WasmPlugin implements PluginRuntime {
  readonly kind = 'wasm' as const;
  readonly #options: WasmPluginOptions;
  readonly #capabilities: CapabilitySet;
  readonly #exports: Set<string>;
  readonly #queue = new SerialQueue();
  /** hook name → export name, computed once per hook rather than per call. */
  readonly #hookExports = new Map<string, string>();
  #guest: Guest | undefined;
  #broken = false;
  #closed = false;
  #abortNote: { message: string | undefined } = { message: undefined };

  private constructor(options: WasmPluginOptions, guest: Guest, exports: Set<string>) {
    this.#options = options;
    this.#capabilities = capabilitySet(options.metadata);
    this.#guest = guest;
    this.#exports = exports;
  }

  /**
   * Checks the module's exports against the manifest and instantiates it.
   *
   * @throws PluginError `E_EXPORT` naming every declared capability whose export is missing;
   *   `E_LINK` when an import is not provided.
   *
   * @example
   * ```ts
   * const plugin = await WasmPlugin.create({ metadata, module, config: {}, … });
   * ```
   */
  static async create(options: WasmPluginOptions): Promise<WasmPlugin> {
    const exports = functionExports(options.module);
    checkExports(options.metadata, exports);
    // Guests that abort (AssemblyScript's abort, a Rust panic) log why just before they trap,
    // and Extism drops any error they set once they trap: keep the last such line per call.
    const abortNote: { message: string | undefined } = { message: undefined };
    const onLog = options.onLog;
    const watched: WasmPluginOptions = {
      ...options,
      onLog(level, message) {
        if (level === 'error' && /^(abort|panic)/i.test(message)) abortNote.message = message;
        onLog(level, message);
      },
    };
    const guest = await instantiate(watched);
    const plugin = new WasmPlugin(watched, guest, exports);
    plugin.#abortNote = abortNote;
    return plugin;
  }

  declaredHooks(): string[] {
    return this.#capabilities.hooks;
  }

  declaredEvents(): string[] {
    // Event capabilities cover publishing too: a module without `on_event` only publishes.
    return this.#exports.has('on_event') ? this.#capabilities.events : [];
  }

  async initialize(context: PluginContext): Promise<void> {
    if (!this.#exports.has('initialize')) return;
    try {
      await this.#call('initialize', { pluginId: context.pluginId, config: context.config });
    } catch (err) {
      throw new PluginError(ErrorCodes.INIT, `initialize failed: ${describeError(err)}`, {
        pluginId: this.#options.metadata.id,
        cause: err,
        operation: 'initialize',
      });
    }
  }

  invokeHook(hook: string, data: unknown): Promise<unknown> {
    let exportName = this.#hookExports.get(hook);
    if (exportName === undefined) {
      exportName = hookExportName(hook);
      this.#hookExports.set(hook, exportName);
    }
    return this.#call(exportName, data);
  }

  async deliverEvent(event: PluginEvent): Promise<void> {
    await this.#call('on_event', event);
  }

  command(name: string, args: unknown): Promise<unknown> {
    return this.#call('handle_command', { command: name, args: args ?? null });
  }

  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.idle();
    const guest = this.#guest;
    this.#guest = undefined;
    if (guest === undefined) return;
    try {
      if (this.#exports.has('shutdown') && !this.#broken) await guest.call('shutdown', '');
    } finally {
      await guest.close();
    }
  }

  /** Serialized call: JSON in, JSON (or undefined for empty output) out, with bookkeeping. */
  #call(exportName: string, data: unknown): Promise<unknown> {
    const { metadata, stats } = this.#options;
    if (this.#closed) {
      return Promise.reject(new PluginError(ErrorCodes.CLOSED, `${exportName}: the plugin is unloaded`, { pluginId: metadata.id, operation: exportName }));
    }
    let input: string;
    try {
      input = encodeJson(data, metadata.id, exportName);
    } catch (err) {
      recordFailure(stats, err as PluginError, 0);
      return Promise.reject(err);
    }
    return this.#queue.run(async () => {
      const started = performance.now();
      this.#abortNote.message = undefined;
      try {
        // Only a trapped (or closed) instance needs the slow path; the common case stays sync.
        const guest = this.#broken || this.#guest === undefined ? await this.#freshGuest() : this.#guest;
        const output = await guest.call(exportName, input);
        const result = decodeJson(output, metadata.id, exportName);
        recordSuccess(stats, performance.now() - started);
        return result;
      } catch (err) {
        let error = err instanceof PluginError ? err : new GuestError(ErrorCodes.TRAP, `${exportName} failed: ${describeError(err)}`, { pluginId: metadata.id, cause: err, operation: exportName });
        const note = this.#abortNote.message;
        if (error.code === ErrorCodes.TRAP && note !== undefined) {
          error = new GuestError(ErrorCodes.TRAP, `${exportName} aborted: ${note}`, { pluginId: metadata.id, cause: error, operation: exportName });
        }
        if (INSTANCE_BREAKING.has(error.code)) this.#broken = true;
        recordFailure(stats, error, performance.now() - started);
        throw error;
      }
    });
  }

  /** Replaces a trapped instance with a fresh, re-initialized one. */
  async #freshGuest(): Promise<Guest> {
    const old = this.#guest;
    this.#guest = undefined;
    if (old !== undefined) await old.close().catch(() => {});
    const guest = await instantiate(this.#options);
    this.#options.stats.restarts++;
    if (this.#exports.has('initialize')) {
      const { metadata, config } = this.#options;
      await guest.call('initialize', encodeJson({ pluginId: metadata.id, config }, metadata.id, 'initialize'));
    }
    this.#guest = guest;
    this.#broken = false;
    return guest;
  }
}

function checkExports(metadata: PluginMetadata, exports: Set<string>): void {
  const caps = capabilitySet(metadata);
  const missing: string[] = [];
  for (const hook of caps.hooks) {
    const name = hookExportName(hook);
    if (!exports.has(name)) missing.push(`${name} (for Hook "${hook}")`);
  }
  if (caps.commands.length > 0 && !exports.has('handle_command')) missing.push(`handle_command (for Command "${caps.commands.join('", "')}")`);
  if (missing.length > 0) {
    throw new PluginError(ErrorCodes.EXPORT, `the module lacks exports its manifest declares: ${missing.join(', ')}`, {
      pluginId: metadata.id,
      operation: 'load',
    });
  }
}

function instantiate(options: WasmPluginOptions): Promise<Guest> {
  return createGuest(options.module, {
    pluginId: options.metadata.id,
    config: extismConfig(options.metadata.id, options.config),
    logLevel: options.logLevel,
    onLog: options.onLog,
    hostFunctions: hostFunctions(options),
    runInWorker: options.isolation === 'worker',
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}

/**
 * The plugin's config as Extism config (string → string): each top-level key (strings as is,
 * other values as JSON), so stock PDKs' `config_get("key")` works, plus the whole config as JSON
 * under `reed.config` and the plugin id under `reed.plugin_id`.
 */
export function extismConfig(pluginId: string, config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  out['reed.config'] = JSON.stringify(config);
  out['reed.plugin_id'] = pluginId;
  return out;
}

/** Our `extism:host/user` functions. They never throw into Extism: they return status codes. */
function hostFunctions(options: WasmPluginOptions): Record<string, HostFunction> {
  return {
    reed_publish_event(context, offset: bigint): number {
      try {
        const text = context.read(offset)?.text();
        if (text === undefined) return PublishStatus.MALFORMED;
        const parsed = JSON.parse(text) as { type?: unknown; data?: unknown };
        if (parsed === null || typeof parsed !== 'object' || typeof parsed.type !== 'string' || parsed.type === '') {
          return PublishStatus.MALFORMED;
        }
        return options.publish(parsed.type, parsed.data ?? null);
      } catch {
        return PublishStatus.MALFORMED;
      }
    },
  };
}
