/**
 * The only file that talks to Extism. Everything else sees a `Guest`: compile once, instantiate,
 * call an export with bytes, get bytes back, with Extism's errors turned into typed ones.
 *
 * Pinned to @extism/extism 2.0.0-rc13 (npm's 1.0.3 fails every call after 16,383 calls on one instance).
 */
import type { CallContext, Plugin as ExtismPlugin } from '@extism/extism';
import type { CreatePlugin } from './extism-loader.ts';
import { ErrorCodes, GuestError, PluginError, describeError } from '../errors.ts';
import { FRAME_VERSION } from '../util/frame-codec.ts';
import { printable } from '../util/printable.ts';
import { INSTRUMENT_EXPORTS } from '../instrument/constants.ts';
import { describeMissingImports } from './import-hints.ts';
import { allocate, allocationBudget, budgetedContexts, configGet, variableSetter, withContext } from './budgeted-kernel.ts';
import { bulkCopyFunctions, callBuffers, directIoFunctions, fuelCharger } from './guest-io-functions.ts';
import { WasiExit } from '../wasi/wasi-exit.ts';
import type { WasiInstance } from '../wasi/wasi-instance.ts';
import { HOST_WASI_MODULE, WASI_MODULE, importsWasi } from '../wasi/wasi-link.ts';
import type { WasiSettings } from '../wasi/wasi-settings.ts';
import type { GuestWorkerPort } from './worker-channel.ts';

/**
 * Log levels, lowest first.
 *
 * @example
 * ```ts
 * const level: LogLevel = 'debug';
 * new PluginManager({ logLevel: 'warn', logLevels: { seo: level } });
 * ```
 */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Receives the guest's log lines (already filtered by level). */
export type GuestLogSink = (level: Exclude<LogLevel, 'silent'>, message: string) => void;

/**
 * A host function the guest imports from `extism:host/user`. It receives Extism's call context
 * (read/store memory blocks) and the raw wasm arguments (i64 as bigint).
 *
 * @example
 * ```ts
 * // plugin.toml: capabilities = [{ HostFunction = "extism:host/user.now_ms" }]
 * const nowMs: HostFunction = () => BigInt(Date.now());
 * new PluginManager({ hostFunctions: { 'extism:host/user': { now_ms: nowMs } } });
 * ```
 */
export type HostFunction = (context: CallContext, ...args: any[]) => any;

/** How to instantiate a guest. */
export interface GuestOptions {
  /** The plugin id, for error messages. */
  pluginId: string;
  /** Extism config (string → string), read by the guest with `config_get`. */
  config: Record<string, string>;
  logLevel: LogLevel;
  onLog: GuestLogSink;
  /** Functions offered in the `extism:host/user` namespace. */
  hostFunctions: Record<string, HostFunction>;
  /**
   * Extism's `createPlugin`, loaded the caller's way (src/engine/extism-loader.ts on the host's
   * thread; the worker entry's own in a plugin's own worker). Given, not imported, so a worker's
   * bundle holds the engine without the runtime adapter that starts that worker.
   */
  loadExtism: () => Promise<CreatePlugin>;
  /**
   * Further import namespaces, served as given (e.g. the instrumenter's limit import, which
   * lives in a namespace of its own so that Extism's module linking keeps its names).
   */
  namespaces?: Record<string, Record<string, HostFunction>>;
  /** Run in a worker thread (wall-clock timeouts, async host functions). */
  runInWorker?: boolean;
  /** Wall-clock limit per call; worker mode only. */
  timeoutMs?: number;
  /**
   * Cap on Extism's host-side buffers per call (input, output, logs, vars): a guest asking for
   * more gets a failed `alloc` instead of exhausting the host's memory.
   */
  hostMemoryBytes?: number;
  /** Cap on the plugin's variables (Extism `var_set`), which live between calls. */
  maxVarBytes?: number;
  /**
   * Inline: also charges every host buffer of a call to a shared budget (the manager-wide
   * memory budget); false refuses the buffer as the per-call cap does. The owner gives the
   * call's bytes back when the call ends.
   */
  chargeHostBytes?: ((bytes: number) => boolean) | undefined;
  /**
   * Called inline when the call's host-buffer budget refuses a buffer. A direct signal: the
   * refusal is also logged, but a guest can log the same words.
   */
  onHostMemoryRefused?: () => void;
  /** Called inline when `var_set` is refused for `maxVarBytes` (also directly, for the same reason). */
  onVarsRefused?: () => void;
  /**
   * Whether the module meters fuel: host-side copies are then charged to its fuel counter. An
   * unmetered module (fuel off) still exports a counter, holding 0, which must not be charged.
   */
  meterFuel?: boolean;
  /** Extra Extism options for worker mode (Deno needs `nodeWorkerArgs: { execArgv: [] }`). */
  workerOptions?: { nodeWorkerArgs?: Record<string, unknown> } | undefined;
  /**
   * Replacements for Extism's own kernel functions (`extism:host/env`), e.g. `http_request`
   * under our network policy. Extism cannot overwrite them (it tries to, in worker mode).
   */
  envFunctions?: Record<string, HostFunction> | undefined;
  /**
   * The fetch Extism's own HttpContext uses where it insists on serving `http_request` itself
   * (inline under JSPI). It must never reject and must enforce the policy: every URL reaches it.
   */
  fetch?: typeof fetch | undefined;
  /**
   * The WASI world of a module that imports WASI (src/wasi/; default settings: no args, no env);
   * ignored for one that does not. `maxLineBytes` bounds a buffered stdout/stderr line (the
   * per-call log limit). The caller gives the limits: the engine knows no defaults of its own.
   */
  wasi: { settings?: WasiSettings | undefined; maxLineBytes: number; maxFileHandles: number };
  /**
   * Told when the guest called `proc_exit` (code 0 ends the call successfully, any other with
   * `E_GUEST`): the instance must be replaced, as after a trap.
   */
  onExit?: ((code: number) => void) | undefined;
  /**
   * Starts a worker of our own (the runtime adapter's), for a module that imports WASI under
   * worker isolation (src/engine/worker-guest.ts). Absent: such a module is refused there.
   */
  spawnWorker?: (() => GuestWorkerPort) | undefined;
}

/** One live instance of a plugin module. Not reentrant: callers serialize calls. */
export interface Guest {
  /** Calls an export with input bytes; resolves with its output (empty when none). */
  call(exportName: string, input: Uint8Array): Promise<Uint8Array>;
  /**
   * The same call with the caller's continuations attached in one step: `onOutput` gets the
   * output, `onError` the typed error. One promise reaction instead of two on the hot path.
   */
  callThen<T>(exportName: string, input: Uint8Array, onOutput: (output: Uint8Array) => T, onError: (error: PluginError) => T): Promise<T>;
  /** The live WebAssembly instance, where reachable (inline mode only). */
  instance(): Promise<WebAssembly.Instance | undefined>;
  /** Frees the instance (and its worker). */
  close(): Promise<void>;
  readonly runsInWorker: boolean;
}

const EMPTY = new Uint8Array(0);

/** Compiles module bytes, mapping failures to `E_WASM` with the engine's reason. */
export async function compileModule(bytes: Uint8Array, pluginId?: string): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (err) {
    throw new PluginError(ErrorCodes.WASM, `not a valid WebAssembly module: ${describeError(err)}`, {
      pluginId,
      cause: err,
      operation: 'compile',
    });
  }
}

/** The names of a module's exported functions. */
export function functionExports(module: WebAssembly.Module): Set<string> {
  return new Set(
    WebAssembly.Module.exports(module)
      .filter((e) => e.kind === 'function')
      .map((e) => e.name),
  );
}

/**
 * Whether a module holds the host-buffer cap itself (instrumented with host-call guards,
 * src/instrument/host-call-guards.ts): it exports their budget.
 */
export function hasHostCallGuards(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.exports(module).some((e) => e.name === INSTRUMENT_EXPORTS.hostBudget);
}

/**
 * Whether a module reads frames (hook data with long strings as raw UTF-8, docs/abi.md): it
 * imports `reed_frame_version`, as the AssemblyScript SDK's `Input.json` and `Output.json` do.
 */
export function readsFrames(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some((i) => i.module === 'extism:host/user' && i.name === 'reed_frame_version' && i.kind === 'function');
}

/** `reed_frame_version() -> i32`: the frame version this host reads and writes. */
function frameVersion(): number {
  return FRAME_VERSION;
}

/**
 * Instantiates a compiled module through Extism.
 *
 * @throws PluginError `E_LINK` when the module imports something the host does not provide.
 */
export async function createGuest(module: WebAssembly.Module, options: GuestOptions): Promise<Guest> {
  const runInWorker = options.runInWorker ?? false;
  // Extism's worker serves host functions on this thread, out of reach of the guest's memory
  // that every WASI call reads or writes: such a module gets a worker of our own, which runs
  // the WASI layer beside the guest. Loaded on first use, as the WASI layer is.
  if (runInWorker && importsWasi(module)) return (await import('./worker-guest.ts')).createWorkerGuest(module, options);
  let memory: WebAssembly.Memory | undefined;
  // Inline, the host-buffer cap is ours (O(1) per allocation); Extism's own (`maxPages`) sums
  // every block on every allocation, which a guest making 32,000 tiny allocations in one call
  // turns into seconds of host CPU that fuel does not see. In a worker the wall-clock timeout
  // bounds that, and a host function per allocation would cost a round trip between threads.
  const own = runInWorker ? undefined : allocationBudget(options.hostMemoryBytes ?? Number.POSITIVE_INFINITY, options.onLog, options.onHostMemoryRefused);
  const shared = options.chargeHostBytes;
  const budget = own === undefined || shared === undefined ? own : { take: (bytes: number) => own.take(bytes) && shared(bytes), reset: () => own.reset() };
  // The guest I/O functions charge the budget and the fuel themselves, in one order (budget,
  // fuel, copy), so they are not wrapped below: the per-call path pays no adapter either.
  const io = callBuffers();
  let fuel: WebAssembly.Global | undefined;
  const chargeFuel = fuelCharger(() => fuel);
  const charges = { fuel: chargeFuel, buffer: (bytes: number) => budget?.take(bytes) ?? true };
  const guestIo = { ...directIoFunctions(() => memory, io, charges), ...bulkCopyFunctions(() => memory, charges) };
  let userFunctions: Record<string, HostFunction> = { reed_frame_version: frameVersion, ...options.hostFunctions };
  const wasi = importsWasi(module) ? await serveWasi(options, () => memory, chargeFuel) : undefined;
  const kept: KeptOutput = { bytes: undefined };
  let namespaces = options.namespaces ?? {};
  checkImports(module, { ...guestIo, ...userFunctions }, namespaces, wasi?.functions ?? {}, options.pluginId);
  let envFunctions: Record<string, HostFunction> = {
    ...(budget === undefined ? {} : { alloc: allocate, config_get: configGet(options.config) }),
    // proc_exit(0) unwinds the guest, and Extism's own output is lost with the unwinding: the
    // output is kept here as it is set (WASI modules only, so no other plugin pays for it).
    ...(wasi === undefined ? {} : { output_set: outputSetter(kept) }),
    ...options.envFunctions,
  };
  if (budget !== undefined) {
    // Every block a host function creates (alloc, store) is charged to the call's budget
    // through the context it is handed, whichever function it is.
    const contextFor = budgetedContexts(budget);
    userFunctions = withContext(userFunctions, contextFor);
    envFunctions = withContext(envFunctions, contextFor);
    namespaces = Object.fromEntries(Object.entries(namespaces).map(([name, functions]) => [name, withContext(functions, contextFor)]));
  }
  // Extism's own context: variables live in it (setVariable), not in the call's budget. Ours in
  // both modes (in a worker it runs on this thread, as Extism's would), so a refusal is learnt
  // directly, never from a log line a guest could forge.
  envFunctions = { var_set: variableSetter(options.onLog, options.onVarsRefused), ...envFunctions };
  userFunctions = { ...guestIo, ...userFunctions };
  // A module whose start code is deferred (it exports __reed_start) runs none of its code while
  // instantiated: it is tried here first, and Extism's instantiation timer (which would count a
  // worker's start-up on a busy machine against the plugin's per-call timeoutMs) is not needed.
  const deferred = WebAssembly.Module.exports(module).some((e) => e.name === INSTRUMENT_EXPORTS.start);
  if (runInWorker && deferred) await trialInstantiation(module, options.pluginId);
  let plugin: ExtismPlugin;
  // Extism refuses allowedHosts inline without JSPI; elsewhere '*' hands every URL to our fetch,
  // which applies the real policy (Extism's own matching is hostname-only).
  const httpThroughExtism = options.fetch !== undefined && (runInWorker || typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function');
  try {
    const createPlugin = await options.loadExtism();
    plugin = await createPlugin(
      { wasm: [{ module }] },
      {
        useWasi: false,
        runInWorker,
        ...(options.timeoutMs !== undefined && runInWorker && !deferred ? { timeoutMs: options.timeoutMs } : {}),
        ...(runInWorker && options.workerOptions !== undefined ? options.workerOptions : {}),
        logLevel: options.logLevel,
        logger: consoleFor(options.onLog) as unknown as Console,
        config: options.config,
        functions: {
          ...namespaces,
          'extism:host/user': userFunctions,
          ...(wasi === undefined ? {} : { [HOST_WASI_MODULE]: wasi.functions }),
          ...(Object.keys(envFunctions).length === 0 ? {} : { 'extism:host/env': locked(envFunctions) }),
        },
        ...(httpThroughExtism && options.fetch !== undefined ? { fetch: options.fetch, allowedHosts: ['*'], allowHttpResponseHeaders: true } : {}),
        memory: {
          // A module with host-call guards holds the cap itself, in O(1) per block (see budget).
          ...(options.hostMemoryBytes !== undefined && runInWorker && !hasHostCallGuards(module) ? { maxPages: Math.ceil(options.hostMemoryBytes / 65_536) } : {}),
          ...(options.maxVarBytes !== undefined ? { maxVarBytes: options.maxVarBytes } : {}),
        },
      },
    );
  } catch (err) {
    throw instantiationError(err, options);
  }
  if (!runInWorker) {
    const { exports } = await plugin.getInstance();
    memory = exports['memory'] instanceof WebAssembly.Memory ? exports['memory'] : undefined;
    // Host-side copies draw on the fuel of an instrumented module (the guest reads it back after
    // every call it makes).
    const counter = exports[INSTRUMENT_EXPORTS.fuel];
    fuel = options.meterFuel === true && counter instanceof WebAssembly.Global ? counter : undefined;
  }
  const worker = runInWorker ? workerCalls(plugin, options) : undefined;
  const guest: Guest = {
    runsInWorker: runInWorker,
    call: (exportName, input) => callByThen(guest, exportName, input),
    callThen(exportName, input, onOutput, onError) {
      budget?.reset();
      // Inline, the guest can read the input bytes directly (reed_input_read); Extism adopts an
      // exact-size buffer as the input block without copying it.
      if (!runInWorker) io.input = input;
      io.output = undefined;
      // Plain promise chaining: no async frame of our own on the hot path.
      return (worker === undefined ? plugin.call(exportName, input) : worker.call(exportName, input)).then(
        (output) => {
          wasi?.flush();
          // Output handed over with reed_output_write wins over output_set's (docs/abi.md).
          const direct = io.output ?? kept.bytes;
          io.output = undefined;
          kept.bytes = undefined;
          io.input = EMPTY;
          // A plain view of the output's buffer: PluginOutput.bytes() caches its view in a
          // WeakMap-backed private field, which costs more than the view itself.
          return onOutput(direct ?? (output === null ? EMPTY : viewOf(output as unknown as DataView)));
        },
        (err: unknown) => {
          wasi?.flush();
          const direct = io.output ?? kept.bytes;
          io.output = undefined;
          kept.bytes = undefined;
          io.input = EMPTY;
          if (err instanceof WasiExit) {
            options.onExit?.(err.code);
            if (err.code === 0) return onOutput(direct ?? EMPTY);
            return onError(new GuestError(ErrorCodes.GUEST, `${exportName}: the plugin exited with code ${err.code} (proc_exit)`, { pluginId: options.pluginId, operation: exportName }));
          }
          return onError(classifyCallError(err, options.pluginId, exportName));
        },
      );
    },
    async instance() {
      return runInWorker ? undefined : plugin.getInstance();
    },
    async close() {
      worker?.close();
      await plugin.close();
    },
  };
  return guest;
}

/** `Guest.call` in terms of the guest's `callThen`: the output, or the typed error thrown. */
export function callByThen(guest: Pick<Guest, 'callThen'>, exportName: string, input: Uint8Array): Promise<Uint8Array> {
  return guest.callThen(
    exportName,
    input,
    (output) => output,
    (error) => {
      throw error;
    },
  );
}

/**
 * Types a failed instantiation. Start code that ran inside it (a module instrumented without
 * `deferStart`, e.g. precompiled elsewhere) fails in a worker with Extism's own words: a host
 * call, such as the instrumented limit report, arrives as an unexpected message, and code that
 * never finishes as an instantiation timeout. Say what that means.
 */
function instantiationError(err: unknown, options: GuestOptions): PluginError {
  const message = describeError(err);
  const pluginId = options.pluginId;
  if (/received unexpected message \(type=invoke\)/.test(message)) {
    return new PluginError(
      ErrorCodes.WASM,
      'could not instantiate the module: its start code called the host while the worker was instantiating it, which a worker cannot serve (an instrumented start function reports a fuel or call-depth limit that way; instrument with deferStart)',
      { pluginId, cause: err, operation: 'instantiate' },
    );
  }
  if (/timed out while waiting for plugin to instantiate/.test(message)) {
    return new GuestError(ErrorCodes.TIMEOUT, `could not instantiate the module: its start code did not finish within ${options.timeoutMs ?? '?'} ms`, {
      pluginId,
      cause: err,
      operation: 'instantiate',
      ...(options.timeoutMs === undefined ? {} : { limit: { name: 'timeoutMs', value: options.timeoutMs } }),
    });
  }
  const code = /cannot resolve import|not provided|does not contain|not supported/i.test(message) ? ErrorCodes.LINK : ErrorCodes.WASM;
  return new PluginError(code, `could not instantiate the module: ${message}`, { pluginId, cause: err, operation: 'instantiate' });
}

/**
 * Instantiates the module once on this thread, with imports that are never called, before a
 * worker does: what fails while instantiating (a data or element segment out of bounds, a memory
 * the engine cannot allocate) fails here as E_WASM. In Extism's worker it rejects inside the
 * worker, whose error nothing listens for: an uncaught exception on the host's thread, and the
 * load waited for its timeout. Only for a module that runs none of its code while instantiated
 * (instrumented with `deferStart`: it exports `__reed_start`), so the trial runs no guest code.
 */
async function trialInstantiation(module: WebAssembly.Module, pluginId: string): Promise<void> {
  const imports: Record<string, Record<string, () => never>> = {};
  const unused = (): never => {
    throw new Error('not callable while instantiating');
  };
  for (const { module: namespace, name, kind } of WebAssembly.Module.imports(module)) {
    if (kind === 'function') (imports[namespace] ??= {})[name] = unused;
  }
  try {
    await WebAssembly.instantiate(module, imports);
  } catch (err) {
    throw new PluginError(ErrorCodes.WASM, `could not instantiate the module: ${describeError(err)}`, { pluginId, cause: err, operation: 'instantiate' });
  }
}

/**
 * A worker stopped during a host call leaves Extism's main-thread side of that call waiting, for
 * ever, for the worker to read its reply from the shared buffer, with a 0 ms interval running
 * meanwhile (rc13's BackgroundPlugin keeps the event loop awake while it waits). The dead
 * worker never will: for a while, keep marking the buffer as read (rc13's `SAB_BASE_OFFSET`,
 * 4, in the flag word its writer waits on), so that side finishes and clears its interval.
 */
function releaseHostCall(plugin: ExtismPlugin): void {
  const flag = (plugin as unknown as { hostFlag?: unknown }).hostFlag;
  if (!(flag instanceof Int32Array)) return;
  const release = setInterval(() => {
    Atomics.store(flag, 0, EXTISM_SAB_BASE_OFFSET);
    Atomics.notify(flag, 0);
  }, 10);
  setTimeout(() => clearInterval(release), HOST_CALL_RELEASE_MS);
}

/** rc13's `SAB_BASE_OFFSET`: the flag value meaning "the reader has taken everything". */
const EXTISM_SAB_BASE_OFFSET = 4;
/** How long a stopped worker's pending host-call reply is released for (a reply of 16 MiB needs ~250 rounds of 64 KiB). */
const HOST_CALL_RELEASE_MS = 3_000;

/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2_147_483_647;

/** A call's wall-clock limit as a timer can hold it: setTimeout fires at once past 2^31 - 1 ms, so such a limit is none. */
export function callTimeoutMs(options: Pick<GuestOptions, 'timeoutMs'>): number | undefined {
  return options.timeoutMs !== undefined && options.timeoutMs <= MAX_TIMER_MS ? options.timeoutMs : undefined;
}

/** The error of a call that outlived its wall-clock limit. */
export function timeoutError(pluginId: string, operation: string, cause?: unknown): GuestError {
  return new GuestError(ErrorCodes.TIMEOUT, `${operation}: the call exceeded its time limit`, { pluginId, cause, operation });
}

/** A call in worker isolation that outlived its `timeoutMs` (typed by classifyCallError). */
class WorkerTimeout extends Error {
  override readonly name = 'WorkerTimeout';
}

/**
 * Calls on an Extism worker, made to hold what Extism's own worker path does not:
 *
 * - **The time limit, whatever the guest does.** Extism's timer lives on the main thread and
 *   restarts the worker itself, and its rejection waits for the new worker to start (forever,
 *   if its start code hangs): ours ends the call at `timeoutMs` with E_TIMEOUT and terminates
 *   the worker, and the plugin layer replaces the instance (E_TIMEOUT breaks it). Extism's call
 *   timer is switched off once the plugin exists (its instantiation timer stays for a module
 *   whose start code is not deferred: it is the only one that can terminate such a worker).
 * - **A fresh block table per call.** Extism's worker never resets its call context between
 *   calls (only its inline `call` does): blocks piled up on both threads, every call exported
 *   the whole table, and after 16,383 calls (two blocks each) every call failed with "cannot
 *   assign to this block". `reset()` after each call, awaited by the next one, clears both.
 */
function workerCalls(plugin: ExtismPlugin, options: GuestOptions): { call(exportName: string, input: Uint8Array): Promise<unknown>; close(): void } {
  // rc13's BackgroundPlugin reads `opts.timeoutMs` on every invoke (see the comment above).
  const internal = plugin as unknown as { opts?: { timeoutMs?: number | null } };
  if (internal.opts !== undefined) internal.opts.timeoutMs = null;
  const timeoutMs = callTimeoutMs(options);
  let ready: Promise<unknown> = Promise.resolve();
  let dead = false;
  return {
    call(exportName, input) {
      if (dead) return Promise.reject(new PluginError(ErrorCodes.CLOSED, `${exportName}: the plugin's worker was stopped`, { pluginId: options.pluginId, operation: exportName }));
      const call = ready.then(() => plugin.call(exportName, input));
      // The next call starts once this one's blocks are dropped, whether it succeeded or not.
      ready = call
        .then(
          () => plugin.reset(),
          () => plugin.reset(),
        )
        .catch(() => {});
      if (timeoutMs === undefined) return call;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          dead = true;
          void plugin.close().catch(() => {});
          releaseHostCall(plugin);
          reject(new WorkerTimeout(`call canceled due to timeout after ${timeoutMs} ms`));
        }, timeoutMs);
      });
      return Promise.race([call, expired]).finally(() => clearTimeout(timer));
    },
    close() {
      dead = true;
    },
  };
}

/**
 * Fails early, with the full list, when the module needs imports we do not provide: Extism
 * would otherwise report only the first.
 */
function checkImports(
  module: WebAssembly.Module,
  userFunctions: Record<string, HostFunction>,
  namespaces: Record<string, Record<string, HostFunction>>,
  wasiFunctions: Record<string, HostFunction>,
  pluginId: string,
): void {
  const missing: WebAssembly.ModuleImportDescriptor[] = [];
  let rawWasi = false;
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module === 'extism:host/env') continue;
    if (imp.module === 'extism:host/user' && imp.kind === 'function' && imp.name in userFunctions) continue;
    if (imp.kind === 'function' && Object.hasOwn(namespaces, imp.module) && Object.hasOwn(namespaces[imp.module]!, imp.name)) continue;
    if (imp.module === HOST_WASI_MODULE && imp.kind === 'function' && Object.hasOwn(wasiFunctions, imp.name)) continue;
    rawWasi ||= imp.module === WASI_MODULE;
    missing.push(imp);
  }
  if (missing.length > 0) {
    // Only a module compiled elsewhere still names WASI as is: bytes are linked at load.
    const hint = rawWasi ? '; a precompiled WebAssembly.Module must be built with precompile() or the Vite plugin (or linkWasi() before instrument()), which link WASI to the host' : '';
    throw new PluginError(ErrorCodes.LINK, `the module imports what the host does not provide: ${describeMissingImports(missing)}${hint}`, {
      pluginId,
      operation: 'instantiate',
    });
  }
}

/**
 * The WASI layer for a module that imports it (inline, or inside a worker of our own). Loaded
 * on first use: a frontend bundle whose plugins import no WASI never downloads it.
 */
async function serveWasi(options: GuestOptions, memory: () => WebAssembly.Memory | undefined, fuel: (bytes: number) => boolean): Promise<WasiInstance> {
  const { wasiInstance } = await import('../wasi/wasi-instance.ts');
  return wasiInstance({
    settings: options.wasi.settings ?? { args: [], env: [], deterministic: false },
    seed: options.pluginId,
    memory,
    fuel,
    logLevel: options.logLevel,
    onLog: options.onLog,
    maxLineBytes: options.wasi.maxLineBytes,
    maxFileHandles: options.wasi.maxFileHandles,
  });
}

/** The output a guest set with `output_set`, kept by the host (see {@link outputSetter}). */
interface KeptOutput {
  bytes: Uint8Array | undefined;
}

/**
 * Extism's `output_set`, keeping the output on the host so it survives a `proc_exit` unwinding
 * the guest (Extism's own is lost with the unwinding). An address that is not a block fails the
 * call, as Extism's own does.
 */
function outputSetter(kept: KeptOutput): HostFunction {
  return (context: CallContext, address: bigint, length: bigint): void => {
    const block = context.read(address);
    if (block === null) throw new Error(`cannot assign to this block (addr=${address.toString(16).padStart(16, '0')}; length=${length})`);
    const bytes = block.bytes();
    kept.bytes = bytes.subarray(0, Math.min(Number(length), bytes.byteLength));
  };
}

const GUEST_ERROR_PREFIX = 'Plugin-originated error: ';

/** Turns what Extism throws into a typed GuestError. */
function classifyCallError(err: unknown, pluginId: string, exportName: string): PluginError {
  if (err instanceof PluginError) return err;
  const { message, errorName } = workerError(err);
  const operation = exportName;
  if (message.startsWith(GUEST_ERROR_PREFIX)) {
    // The guest's own words (error_set): never raw into the host's logs.
    return new GuestError(ErrorCodes.GUEST, `${exportName}: ${printable(message.slice(GUEST_ERROR_PREFIX.length))}`, { pluginId, cause: err, operation });
  }
  if (/call canceled due to timeout|timed out/i.test(message)) {
    return timeoutError(pluginId, operation, err);
  }
  if ((err instanceof RangeError || errorName === 'RangeError') && /call stack/i.test(message)) {
    return new GuestError(ErrorCodes.STACK, `${exportName}: the engine's call stack overflowed`, { pluginId, cause: err, operation });
  }
  if (isTrap(err) || errorName === 'RuntimeError') {
    return new GuestError(ErrorCodes.TRAP, `${exportName} trapped: ${message}`, { pluginId, cause: err, operation });
  }
  return new GuestError(ErrorCodes.TRAP, `${exportName} failed: ${message}`, { pluginId, cause: err, operation });
}

/** PluginOutput is a DataView (its typings do not say so). */
function viewOf(output: DataView): Uint8Array {
  return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
}

/**
 * Extism's worker reports a failure as a plain object `{ originalStack, message }` (a trap is no
 * RuntimeError on this side), and the stack holds the whole worker script as a data URL
 * (hundreds of kilobytes): keep the message, and the error's name from the stack's first line.
 */
function workerError(err: unknown): { message: string; errorName: string | undefined } {
  let value = err;
  // The object itself, not its JSON text (which holds the whole stack).
  if (value === null || typeof value !== 'object' || !('originalStack' in value)) {
    const text = describeError(err);
    if (!text.startsWith('{"originalStack"')) return { message: text, errorName: undefined };
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      return { message: text, errorName: undefined };
    }
  }
  const { message, originalStack } = value as { message?: unknown; originalStack?: unknown };
  const errorName = typeof originalStack === 'string' ? /^(\w+):/.exec(originalStack)?.[1] : undefined;
  return { message: typeof message === 'string' ? message : describeError(err), errorName };
}

function isTrap(err: unknown): boolean {
  return err instanceof WebAssembly.RuntimeError || (err instanceof Error && err.name === 'RuntimeError');
}

/** A Console-shaped object that forwards Extism's logger calls to our sink. */
function consoleFor(onLog: GuestLogSink): Record<Exclude<LogLevel, 'silent'> | 'log', (message: unknown) => void> {
  const forward = (level: Exclude<LogLevel, 'silent'>) => (message: unknown) => onLog(level, String(message));
  return {
    trace: forward('trace'),
    debug: forward('debug'),
    info: forward('info'),
    warn: forward('warn'),
    error: forward('error'),
    log: forward('info'),
  };
}

/**
 * Host functions whose properties ignore assignment: in worker mode Extism assigns its own
 * `http_request`/`http_status_code`/`http_headers` into the namespace we pass, and the worker
 * looks functions up by name on every call.
 */
function locked(functions: Record<string, HostFunction>): Record<string, HostFunction> {
  const out: Record<string, HostFunction> = {};
  for (const [name, fn] of Object.entries(functions)) {
    Object.defineProperty(out, name, { enumerable: true, get: () => fn, set: () => {} });
  }
  return out;
}
