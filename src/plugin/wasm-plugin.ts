/**
 * A WASM plugin behind the guest ABI (docs/abi.md): `initialize`, `shutdown`, `hook_<name>`,
 * `on_event`, `handle_command`, JSON in and out, under its limits. Calls on its instance are
 * serialized, and an instance that trapped is replaced before the next call (guest state is
 * unreliable after one).
 */
import { ErrorCodes, GuestError, PluginError, describeError } from '../errors.ts';
import { STOCK_IO_FUNCTIONS } from '../engine/guest-io-functions.ts';
import { extismCreatePlugin } from '../engine/extism-loader.ts';
import { createGuest, functionExports, hasHostCallGuards, readsFrames, type Guest, type GuestOptions, type HostFunction, type LogLevel } from '../engine/extism-guest.ts';
import type { PluginEvent } from '../events/event-bus.ts';
import { hookExportName } from '../hooks/hook-names.ts';
import { INSTRUMENT_EXPORTS, LimitReason } from '../instrument/constants.ts';
import { capabilitySet, type CapabilitySet } from '../manifest/capabilities.ts';
import type { PluginMetadata } from '../manifest/types.ts';
import type { ChainKey, PreparedModule } from './types.ts';
import type { WasmHttp } from '../http/plan-http.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan, utf8Length } from '../util/json-codec.ts';
import { printable } from '../util/printable.ts';
import { decodeOutput, encodeInputBytes } from '../util/frame-codec.ts';
import { SerialQueue } from '../util/serial-queue.ts';
import {
  applyFuelBudget,
  checkAfterCall,
  checkReencodedSize,
  checkInputSize,
  explainFailure,
  fuelUsed,
  meterGlobals,
  newCallWatch,
  recordLimitSignal,
  resetCallWatch,
  type CallWatch,
  type MeterGlobals,
} from './call-limits.ts';
import { InstanceMemory } from './instance-memory.ts';
import { GROW_IMPORT, LIMIT_IMPORT, PROFILE_IMPORT, hostBufferBytes, type EffectiveLimits } from './limits.ts';
import { FuelProfiler } from './fuel-profile.ts';
import { MemoryBudget } from './memory-budget.ts';
import { COMMAND_START, HOST_COMMAND_START, HOST_REACTOR_INIT, REACTOR_INIT } from '../wasi/wasi-link.ts';
import type { WasiSettings } from '../wasi/wasi-settings.ts';
import { recordFailure, recordFuel, recordLimits, recordRefused, recordSuccess } from './stats.ts';
import type { PluginContext, PluginRuntime, PluginStats } from './types.ts';
import type { GuestWorkerPort } from '../engine/worker-channel.ts';

/** The status codes `reed_publish_event` returns to the guest. */
export const PublishStatus = { OK: 0, DENIED: 1, MALFORMED: 2 } as const;

/** What a WASM plugin needs from the manager. */
export interface WasmPluginOptions {
  metadata: PluginMetadata;
  /** Report a fuel profile of every call (the module must be instrumented with the profile import). */
  profile?: boolean;
  /** Host-supplied functions the plugin declared, by namespace (`{ HostFunction = … }`). */
  supplied?: Record<string, Record<string, HostFunction>>;
  prepared: PreparedModule;
  config: Record<string, unknown>;
  limits: EffectiveLimits;
  /** The manager-wide memory budget its instances draw on (default: none). */
  memoryBudget?: MemoryBudget;
  logLevel: LogLevel;
  /** A guest log line, with the call it came from (`<pluginId>#<n>`). */
  onLog: (level: Exclude<LogLevel, 'silent'>, message: string, call?: string) => void;
  /**
   * Publishes an event for the guest; returns a PublishStatus code. `cause` is the event the
   * call is handling, or a token for the call itself (it starts an event chain).
   */
  publish: (type: string, data: unknown, cause: ChainKey, call?: string) => number;
  /** Told when a call's publications pass `maxEventsPerCall` or `maxOutputBytes` (once per call). */
  onEventsRefused?: (reason: string, limit: 'maxEventsPerCall' | 'maxOutputBytes') => void;
  stats: PluginStats;
  isolation: 'inline' | 'worker';
  /** The runtime's extra options for worker isolation (see RuntimeAdapter.workerOptions). */
  workerOptions?: { nodeWorkerArgs?: Record<string, unknown> } | undefined;
  /** The runtime's own worker, for WASI modules under worker isolation (RuntimeAdapter.spawnGuestWorker). */
  spawnWorker?: (() => GuestWorkerPort) | undefined;
  /** Told about every failed call (the manager quarantines repeat offenders). */
  onFault?: (error: PluginError) => void;
  /** Outbound HTTP; absent: Extism's defaults (no network). */
  http?: WasmHttp | undefined;
  /** The WASI world (args, env, determinism) of a module that imports WASI; default empty. */
  wasi?: WasiSettings | undefined;
  /**
   * Makes each instance (the first, and every replacement after a trap); default Extism's,
   * through `createGuest`. A seam for tests and for hosts that wrap the engine.
   */
  createGuest?: (module: WebAssembly.Module, options: GuestOptions) => Promise<Guest>;
}

/** Errors after which the instance's memory can no longer be trusted. */
const INSTANCE_BREAKING: ReadonlySet<string> = new Set([ErrorCodes.TRAP, ErrorCodes.FUEL, ErrorCodes.MEMORY, ErrorCodes.STACK, ErrorCodes.TIMEOUT, ErrorCodes.LIMIT]);

const NO_INPUT = new Uint8Array(0);

/** Extism's own log line when its host-side buffer cap refuses an allocation. */
const HOST_MEMORY_REFUSED = /^memory limit exceeded: /;

/** Loads and drives one WASM plugin. */
export class WasmPlugin implements PluginRuntime {
  readonly kind = 'wasm' as const;
  readonly #options: WasmPluginOptions;
  readonly #capabilities: CapabilitySet;
  readonly #exports: Set<string>;
  readonly #queue = new SerialQueue();
  /** hook name → export name, computed once per hook rather than per call. */
  readonly #hookExports = new Map<string, string>();
  /** The running call's observations (host functions and logs write here); reset per call. */
  readonly #watch: CallWatch = newCallWatch();
  /** The event the running call is handling, if any (its publications join that event's chain). */
  #cause: PluginEvent | undefined;
  /** The running call's export, and its chain token once it publishes without a cause. */
  #export = '';
  #trigger: ChainKey | undefined;
  #guest: Guest | undefined;
  #meter: MeterGlobals = { fuel: undefined, reason: undefined, budget: undefined };
  #broken = false;
  /** Calls made on this plugin so far: the current one is `<pluginId>#<#calls>` (see `#callId`). */
  #calls = 0;
  /** The running call is an Export called as is (bytes in, bytes out). */
  #raw = false;
  /** Per-call fuel by function, when profiling. */
  #profiler: FuelProfiler | undefined;
  #closed = false;
  /** The module reads frames (long strings as raw UTF-8 beside the JSON). */
  readonly #framed: boolean;
  /** The live instance's share of the manager-wide memory budget. */
  readonly #memory: InstanceMemory;
  /** The limits failures are explained with (the plugin's, with the module's baked-in table cap). */
  readonly #failureLimits: EffectiveLimits;
  /** In a worker without host-call guards in the module, only Extism's cap holds host buffers. */
  readonly #extismCapOnly: boolean;

  private constructor(options: WasmPluginOptions, exports: Set<string>, capabilities: CapabilitySet) {
    this.#options = options;
    this.#capabilities = capabilities;
    this.#exports = exports;
    this.#framed = readsFrames(options.prepared.module);
    if (options.profile === true) this.#profiler = new FuelProfiler(options.prepared.module);
    const budget = options.memoryBudget ?? new MemoryBudget(Number.POSITIVE_INFINITY);
    this.#memory = new InstanceMemory(budget, options.prepared.module, options.metadata.id, options.stats, () => {
      this.#watch.budgetRefused = true;
    });
    // A module instrumented at build time carries its own table cap: name that one in errors.
    const tableCap = this.#memory.tableCap;
    this.#failureLimits = tableCap === null || tableCap === options.limits.maxTableElements ? options.limits : { ...options.limits, maxTableElements: tableCap };
    this.#extismCapOnly = options.isolation === 'worker' && !hasHostCallGuards(options.prepared.module);
    recordLimits(options.stats, options.limits);
  }

  /**
   * Checks the module's exports against the manifest and instantiates it.
   *
   * @throws PluginError `E_EXPORT` naming every declared capability whose export is missing;
   *   `E_LINK` when an import is not provided.
   */
  static async create(options: WasmPluginOptions): Promise<WasmPlugin> {
    const exports = functionExports(options.prepared.module);
    const capabilities = capabilitySet(options.metadata);
    checkExports(options.metadata.id, capabilities, exports);
    checkReactor(options.metadata.id, exports);
    if (options.profile === true && options.isolation === 'worker') {
      // The profile reads the fuel counter at every function entry and exit: main thread only.
      throw new PluginError(ErrorCodes.UNSUPPORTED, "fuel profiles need inline isolation (profileFuel with isolation: 'worker')", { pluginId: options.metadata.id, operation: 'load' });
    }
    const plugin = new WasmPlugin(options, exports, capabilities);
    await plugin.#instantiate();
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
    await this.#call('on_event', event, event);
  }

  command(name: string, args: unknown): Promise<unknown> {
    return this.#call('handle_command', { command: name, args: args ?? null });
  }

  callExport(name: string, input: Uint8Array): Promise<Uint8Array> {
    const { metadata, stats, limits } = this.#options;
    if (this.#closed) return Promise.reject(new PluginError(ErrorCodes.CLOSED, `${name}: the plugin is unloaded`, { pluginId: metadata.id, operation: name }));
    try {
      checkInputSize(input, limits, metadata.id, name);
    } catch (err) {
      recordRefused(stats, err as PluginError);
      return Promise.reject(err);
    }
    return this.#queue.enter(() => this.#execute(name, input, undefined, true)) as Promise<Uint8Array>;
  }

  declaredContentTypes(): string[] {
    return this.#capabilities.contentTypes;
  }

  contentType(name: string): Promise<unknown> {
    return this.#call('content_type', { name });
  }

  declaredTemplateFunctions(): string[] {
    return this.#capabilities.templateFunctions;
  }

  templateFunction(name: string, args: unknown): Promise<unknown> {
    return this.#call('template_function', { name, args: args ?? null });
  }

  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.idle();
    const guest = this.#guest;
    this.#guest = undefined;
    if (guest === undefined) return;
    try {
      if (this.#exports.has('shutdown') && !this.#broken) await guest.call('shutdown', NO_INPUT);
    } catch {
      // A plugin failing in its own shutdown must not stop the unload.
    } finally {
      await guest.close();
      this.#memory.release();
    }
  }

  /** Serialized call: JSON in, JSON (or undefined for empty output) out, under the limits. */
  #call(exportName: string, data: unknown, cause?: PluginEvent): Promise<unknown> {
    const { metadata, stats, limits } = this.#options;
    if (this.#closed) {
      return Promise.reject(new PluginError(ErrorCodes.CLOSED, `${exportName}: the plugin is unloaded`, { pluginId: metadata.id, operation: exportName }));
    }
    let input: Uint8Array;
    try {
      input = encodeInputBytes(data, this.#framed, metadata.id, exportName);
      checkInputSize(input, limits, metadata.id, exportName);
    } catch (err) {
      // The host's data was refused before the plugin ran: recorded, but never the plugin's
      // fault (it must not count towards quarantine).
      recordRefused(stats, err as PluginError);
      return Promise.reject(err);
    }
    return this.#queue.enter(() => this.#execute(exportName, input, cause));
  }

  /**
   * One call on the instance (the queue guarantees no other call is running). Every way out
   * releases the queue exactly once, after the call's results are read: the next call starts
   * synchronously inside `release()` and runs guest code at once.
   */
  #execute(exportName: string, input: Uint8Array, cause: PluginEvent | undefined, raw = false): Promise<unknown> {
    const started = performance.now();
    this.#raw = raw;
    this.#profiler?.begin();
    this.#calls++;
    resetCallWatch(this.#watch);
    // Events the guest publishes during this call are caused by `cause` (event chains are bounded).
    this.#cause = cause;
    this.#export = exportName;
    this.#trigger = undefined;
    this.#options.http?.session.beginCall();
    // Only a trapped instance needs the slow path. The common case is one promise chain with no
    // async frames of its own: this is the per-call hot path.
    if (this.#broken || this.#guest === undefined) {
      return this.#replaceInstance().then(
        () => this.#run(exportName, input, started),
        (err: unknown) => this.#failedAndRelease(err, exportName, started),
      );
    }
    return this.#run(exportName, input, started);
  }

  #run(exportName: string, input: Uint8Array, started: number): Promise<unknown> {
    return (this.#guest as Guest).callThen(
      exportName,
      input,
      (output) => {
        try {
          return this.#succeeded(output, exportName, started);
        } finally {
          this.#queue.release();
        }
      },
      (err: unknown) => this.#failedAndRelease(err, exportName, started),
    );
  }

  #failedAndRelease(err: unknown, exportName: string, started: number): never {
    try {
      return this.#failed(err, exportName, started);
    } finally {
      this.#queue.release();
    }
  }

  #succeeded(output: Uint8Array, exportName: string, started: number): unknown {
    const { metadata, stats, limits } = this.#options;
    this.#recordFuel();
    this.#memory.endCall();
    let result: unknown;
    try {
      checkAfterCall(output.byteLength, this.#watch, limits, metadata.id, exportName);
      if (this.#raw) {
        // An Export called as is: its bytes, copied out of Extism's buffer (reused next call).
        result = output.slice();
      } else {
        // The ABI ignores these exports' output (docs/abi.md): whatever bytes they leave are not read.
        result = OUTPUT_IGNORED.has(exportName) ? undefined : decodeOutput(output, metadata.id, exportName);
        checkReencodedSize(output.byteLength, result, limits, metadata.id, exportName);
      }
    } catch (err) {
      return this.#failed(err, exportName, started, true);
    }
    recordSuccess(stats, performance.now() - started);
    return result;
  }

  /** Types a failed call by its real cause, marks a broken instance, records the fault; throws. */
  #failed(err: unknown, exportName: string, started: number, fuelRecorded = false): never {
    const { metadata } = this.#options;
    if (!fuelRecorded) {
      this.#recordFuel();
      this.#memory.endCall();
    }
    const raw = err instanceof PluginError ? err : new GuestError(ErrorCodes.TRAP, `${exportName} failed: ${describeError(err)}`, { pluginId: metadata.id, cause: err, operation: exportName });
    const error = explainFailure(raw, this.#watch, this.#meter, this.#failureLimits, metadata.id, exportName, this.#memory.budgetBytes, metadata.limits.fuel);
    if (INSTANCE_BREAKING.has(error.code)) this.#broken = true;
    this.#fault(error, performance.now() - started);
    throw error;
  }

  #fault(error: PluginError, elapsedMs: number): void {
    recordFailure(this.#options.stats, error, elapsedMs);
    this.#options.onFault?.(error);
  }

  #recordFuel(): void {
    if (this.#profiler !== undefined) this.#options.stats.profile = this.#profiler.entries();
    const used = fuelUsed(this.#meter, this.#options.limits);
    if (used !== null) recordFuel(this.#options.stats, used);
  }

  /** Replaces a trapped instance with a fresh, re-initialized one. */
  async #replaceInstance(): Promise<void> {
    const old = this.#guest;
    this.#guest = undefined;
    if (old !== undefined) await old.close().catch(() => {});
    this.#memory.release();
    await this.#instantiate();
    this.#options.stats.restarts++;
    if (this.#exports.has('initialize')) {
      const { metadata, config } = this.#options;
      await (this.#guest as Guest | undefined)?.call('initialize', encodeInputBytes({ pluginId: metadata.id, config }, this.#framed, metadata.id, 'initialize'));
    }
    this.#broken = false;
  }

  async #instantiate(): Promise<void> {
    const { metadata, prepared, limits, config, isolation, http } = this.#options;
    // In a worker a call's host buffers are out of the host's sight: held up front (their cap
    // is enforced in the module, docs/instrument.md "Host-call guards").
    this.#memory.reserve(isolation === 'worker' ? hostBufferBytes(limits) : 0);
    const guest = await (this.#options.createGuest ?? createGuest)(prepared.module, {
      pluginId: metadata.id,
      config: extismConfig(metadata.id, config),
      logLevel: this.#options.logLevel,
      onLog: (level, message) => this.#onLog(level, message),
      hostFunctions: { ...this.#options.supplied?.['extism:host/user'], ...this.#hostFunctions() },
      loadExtism: extismCreatePlugin,
      // The instrumenter's imports: limit signals, and the grow check of the memory budget.
      namespaces: {
        ...Object.fromEntries(Object.entries(this.#options.supplied ?? {}).filter(([name]) => name !== 'extism:host/user')),
        [LIMIT_IMPORT.module]: {
          [LIMIT_IMPORT.name]: (_context: unknown, value: number): void => {
            // A refused host buffer is not a trap: the guest got 0 and may go on (as inline, where
            // the host's own budget refuses first and says so through onHostMemoryRefused).
            if (!this.#watch.returnCodeNext && value === LimitReason.HOST_MEMORY) {
              // Logged as the host's own budget logs its refusals (once per call: the guard reports once).
              this.#watch.hostMemoryRefused = true;
              this.#options.onLog('error', `memory limit exceeded: host buffers past the ${hostBufferBytes(this.#options.limits)} bytes allowed in one call were refused`);
            } else recordLimitSignal(this.#watch, value);
          },
          [GROW_IMPORT.name]: (_context: unknown, kind: number, index: number, newSize: number): number => this.#memory.grow(kind, index, newSize),
          ...(this.#options.profile === true
            ? { [PROFILE_IMPORT.name]: (_context: unknown, fn: number, enter: number): void => this.#profiler?.report(fn, enter === 1, Number((this.#meter.fuel?.value as bigint | undefined) ?? 0n)) }
            : {}),
        },
      },
      runInWorker: isolation === 'worker',
      workerOptions: this.#options.workerOptions,
      spawnWorker: this.#options.spawnWorker,
      timeoutMs: limits.timeoutMs,
      hostMemoryBytes: hostBufferBytes(limits),
      maxVarBytes: limits.maxVarBytes,
      chargeHostBytes: (bytes) => this.#memory.chargeHost(bytes),
      meterFuel: limits.fuel !== null,
      onHostMemoryRefused: () => {
        this.#watch.hostMemoryRefused = true;
      },
      onVarsRefused: () => {
        this.#watch.varsRefused = true;
      },
      envFunctions: http?.functions,
      wasi: { settings: this.#options.wasi, maxLineBytes: limits.maxLogBytes, maxFileHandles: limits.maxFileHandles },
      onExit: () => {
        // Whatever the code, the guest's runtime has shut down: its instance cannot go on.
        this.#broken = true;
      },
    }).catch((err: unknown) => {
      this.#memory.release();
      throw err;
    });
    this.#guest = guest;
    this.#meter = meterGlobals(await guest.instance());
    applyFuelBudget(this.#meter, limits);
    // A module instrumented elsewhere gets this host's host-buffer budget too (inline; in a
    // worker the baked-in one holds).
    if (this.#meter.hostBudget !== undefined) this.#meter.hostBudget.value = BigInt(hostBufferBytes(limits));
    if (this.#exports.has(INSTRUMENT_EXPORTS.start)) await this.#runStart(guest);
    if (this.#exports.has(HOST_REACTOR_INIT)) await this.#initializeReactor(guest);
  }

  /**
   * Runs the module's deferred start code (its start function, `_initialize`): a call like any
   * other, so its limits hold and their errors say what happened, in a worker too. A failure
   * fails the instantiation with the limit's own code (E_FUEL, E_TIMEOUT, …).
   */
  #runStart(guest: Guest): Promise<void> {
    return this.#runStartCode(guest, INSTRUMENT_EXPORTS.start);
  }

  /**
   * A reactor's `_initialize` (renamed at load, src/wasi/wasi-link.ts): once per instance,
   * before `initialize`, as a metered call, so its fuel, logs and limits count as any call's.
   */
  #initializeReactor(guest: Guest): Promise<void> {
    return this.#runStartCode(guest, HOST_REACTOR_INIT);
  }

  /** One export of start code, its failure named as the start code's, whichever export ran it. */
  async #runStartCode(guest: Guest, exportName: string): Promise<void> {
    const { metadata, limits } = this.#options;
    const operation = 'start';
    resetCallWatch(this.#watch);
    this.#calls++;
    try {
      await guest.call(exportName, NO_INPUT);
    } catch (err) {
      this.#broken = true;
      const raw = err instanceof PluginError ? err : new GuestError(ErrorCodes.TRAP, describeError(err), { pluginId: metadata.id, cause: err, operation });
      const explained = explainFailure(raw, this.#watch, this.#meter, limits, metadata.id, operation, Number.POSITIVE_INFINITY, metadata.limits.fuel);
      this.#guest = undefined;
      await guest.close().catch(() => {});
      const limit = explained instanceof GuestError ? explained.limit : undefined;
      // explainFailure's words without its "[id] start: " (or export name) prefix.
      const what = explained.message
        .slice(`[${metadata.id}] `.length)
        .replace(/^start: /, '')
        .replace(`${exportName} `, '');
      throw new GuestError(explained.code, `the module's start code (its start function or _initialize) ${what}`, {
        pluginId: metadata.id,
        cause: explained,
        operation: 'instantiate',
        ...(limit === undefined ? {} : { limit }),
      });
    } finally {
      // What the start code did is not the next call's.
      resetCallWatch(this.#watch);
    }
  }

  /** The running call as `<pluginId>#<n>`: built only when a log line or event needs it, not per call. */
  #callId(): string | undefined {
    return this.#calls === 0 ? undefined : `${this.#options.metadata.id}#${this.#calls}`;
  }

  #onLog(level: Exclude<LogLevel, 'silent'>, message: string): void {
    const watch = this.#watch;
    if (level === 'error') {
      // The host learns of its refusals directly (onHostMemoryRefused, onVarsRefused, and the
      // module's guards through reed_limit). Only a module without guards in a worker is held to
      // Extism's own cap, whose log line is all there is (a guest can log the same words, but
      // only to misname its own failure).
      if (this.#extismCapOnly && HOST_MEMORY_REFUSED.test(message)) watch.hostMemoryRefused = true;
      // Guests that abort (AssemblyScript's abort, a Rust panic) log why just before they trap,
      // and Extism drops any error they set once they trap: keep the line for the trap's error.
      else if (/^(abort|panic)/i.test(message)) watch.abortNote = printable(message);
    }
    if (watch.logsDropped) return;
    watch.logBytes += utf8Length(message);
    if (watch.logBytes > this.#options.limits.maxLogBytes) {
      watch.logsDropped = true;
      this.#options.onLog('warn', `log limit of ${this.#options.limits.maxLogBytes} bytes per call reached; dropping the rest of this call's logs`);
      return;
    }
    this.#options.onLog(level, printable(message), this.#callId());
  }

  /** Our `extism:host/user` functions. They never throw into Extism: they return status codes. */
  #hostFunctions(): Record<string, HostFunction> {
    return {
      reed_publish_event: (context, offset: bigint): number => {
        // Counted before any work, so a refusal costs the host next to nothing.
        const { limits } = this.#options;
        if (++this.#watch.eventsPublished > limits.maxEventsPerCall) {
          if (this.#watch.eventsPublished === limits.maxEventsPerCall + 1) {
            this.#options.onEventsRefused?.(`more than ${limits.maxEventsPerCall} events in one call (maxEventsPerCall); the rest of this call's events are refused`, 'maxEventsPerCall');
          }
          return PublishStatus.DENIED;
        }
        try {
          const block = context.read(offset);
          if (block === null) return PublishStatus.MALFORMED;
          // Decoding, parsing and queueing an event cost the host, not the guest's fuel, and one
          // block can be published again and again: a call's events total at most
          // maxOutputBytes, checked before any of that work.
          const before = this.#watch.eventBytes;
          // (A PluginOutput is a DataView; its declared type hides that.)
          this.#watch.eventBytes = before + (block as unknown as DataView).byteLength;
          if (this.#watch.eventBytes > limits.maxOutputBytes) {
            if (before <= limits.maxOutputBytes) {
              this.#options.onEventsRefused?.(`events of more than ${limits.maxOutputBytes} bytes in one call (maxOutputBytes); the rest of this call's events are refused`, 'maxOutputBytes');
            }
            return PublishStatus.DENIED;
          }
          // Data nested too deep to serialize again would fail its receivers, not this plugin.
          if (nestsDeeperThan(block.bytes(), MAX_JSON_DEPTH)) return PublishStatus.MALFORMED;
          const parsed = JSON.parse(block.text()) as { type?: unknown; data?: unknown };
          if (parsed === null || typeof parsed !== 'object' || typeof parsed.type !== 'string' || parsed.type === '') {
            return PublishStatus.MALFORMED;
          }
          // A call the host made directly starts a chain of its own (token made on first use).
          const cause = this.#cause ?? (this.#trigger ??= { call: `a ${this.#export} call of "${this.#options.metadata.id}"` });
          return this.#options.publish(parsed.type, parsed.data ?? null, cause, this.#callId());
        } catch {
          return PublishStatus.MALFORMED;
        }
      },
    };
  }
}

/**
 * The `extism:host/user` functions a WASM plugin may import: the I/O functions (whose stock
 * stand-ins list their names) and the ones served in `#hostFunctions`. `reed-plugin check` reads
 * this; a test links a module importing every name, so the list cannot drift.
 */
export const HOST_USER_FUNCTIONS: readonly string[] = [...Object.keys(STOCK_IO_FUNCTIONS), 'reed_publish_event'];

/** Exports whose output the guest ABI ignores. */
const OUTPUT_IGNORED: ReadonlySet<string> = new Set(['initialize', 'on_event', 'shutdown']);

/**
 * A command module (`_start`, no `_initialize`) expects to run once, from `main` to exit; a
 * plugin is called again and again, which only a reactor allows.
 */
function checkReactor(pluginId: string, exports: Set<string>): void {
  const command = exports.has(HOST_COMMAND_START) || exports.has(COMMAND_START);
  if (command && !exports.has(HOST_REACTOR_INIT) && !exports.has(REACTOR_INIT)) {
    throw new PluginError(
      ErrorCodes.EXPORT,
      'the module is a WASI command (it exports _start): build it as a reactor, which exports _initialize (Go: -buildmode=c-shared; C: -mexec-model=reactor; Rust: crate-type = ["cdylib"])',
      { pluginId, operation: 'load' },
    );
  }
}

function checkExports(pluginId: string, caps: CapabilitySet, exports: Set<string>): void {
  const missing = missingExports(caps, exports);
  if (missing.length > 0) {
    throw new PluginError(ErrorCodes.EXPORT, `the module lacks exports its manifest declares: ${missing.join(', ')}`, {
      pluginId,
      operation: 'load',
    });
  }
}

/**
 * The exports a manifest's capabilities need that the module lacks, each naming its capability
 * (also what `reed-plugin check` reports).
 */
export function missingExports(caps: CapabilitySet, exports: ReadonlySet<string>): string[] {
  const missing: string[] = [];
  for (const hook of caps.hooks) {
    const name = hookExportName(hook);
    if (!exports.has(name)) missing.push(`${name} (for Hook "${hook}")`);
  }
  if (caps.commands.length > 0 && !exports.has('handle_command')) missing.push(`handle_command (for Command "${caps.commands.join('", "')}")`);
  if (caps.contentTypes.length > 0 && !exports.has('content_type')) missing.push(`content_type (for ContentType "${caps.contentTypes.join('", "')}")`);
  if (caps.templateFunctions.length > 0 && !exports.has('template_function')) missing.push(`template_function (for TemplateFunction "${caps.templateFunctions.join('", "')}")`);
  for (const name of caps.exports) if (!exports.has(name)) missing.push(`${name} (for Export "${name}")`);
  return missing;
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
