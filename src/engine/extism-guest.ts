/**
 * The engine's front: everything else sees a `Guest` (compile once, instantiate, call an export
 * with bytes, get bytes back, with failures turned into typed errors). Inline guests run on the
 * host's own kernel (inline-guest.ts); this file is the only one that talks to Extism, whose
 * worker serves `isolation: 'worker'` and is loaded only then.
 *
 * Pinned to @extism/extism 2.0.0-rc13 (npm's 1.0.3 fails every call after 16,383 calls on one instance).
 */
import type { CallContext, Plugin as ExtismPlugin } from '@extism/extism';
import type { CreatePlugin } from './extism-loader.ts';
import { ErrorCodes, PluginError, describeError } from '../errors.ts';
import { INSTRUMENT_EXPORTS } from '../instrument/constants.ts';
import { variableSetter } from './budgeted-kernel.ts';
import { bulkCopyFunctions, callBuffers, directIoFunctions } from './guest-io-functions.ts';
import { importsWasi } from '../wasi/wasi-link.ts';
import type { WasiSettings } from '../wasi/wasi-settings.ts';
import type { GuestWorkerPort } from './worker-channel.ts';
import { createInlineGuest } from './inline-guest.ts';
import { callByThen, callTimeoutMs, checkImports, classifyCallError, frameVersion, instantiationError } from './guest-support.ts';

export { callByThen, callTimeoutMs, timeoutError } from './guest-support.ts';

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
 * A host function the guest imports from `extism:host/user`. It receives a call context shaped
 * as Extism's `CallContext` (read/store memory blocks, variables, `setError`) and the raw wasm
 * arguments (i64 as bigint).
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
   * Extism's `createPlugin`, loaded the caller's way (src/engine/extism-loader.ts): only worker
   * isolation of a module without WASI runs on Extism. Given, not imported, so the engine's
   * inline path (which a WASI plugin's own worker bundles) holds no runtime adapter.
   */
  loadExtism?: (() => Promise<CreatePlugin>) | undefined;
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
 * Whether a module's start code is deferred (instrumented with `deferStart`: it exports
 * `__reed_start`), so instantiating it runs none of its code.
 */
export function defersStart(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.exports(module).some((e) => e.name === INSTRUMENT_EXPORTS.start);
}

/**
 * Whether a module reads frames (hook data with long strings as raw UTF-8, docs/abi.md): it
 * imports `reed_frame_version`, as the AssemblyScript SDK's `Input.json` and `Output.json` do.
 */
export function readsFrames(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some((i) => i.module === 'extism:host/user' && i.name === 'reed_frame_version' && i.kind === 'function');
}

/**
 * Instantiates a compiled module: inline on the host's own kernel (inline-guest.ts), in a worker
 * through Extism's (loaded on first use), or, for a module importing WASI, in a worker of our
 * own (worker-guest.ts).
 *
 * @throws PluginError `E_LINK` when the module imports something the host does not provide.
 */
export async function createGuest(module: WebAssembly.Module, options: GuestOptions): Promise<Guest> {
  if (options.runInWorker !== true) return createInlineGuest(module, options);
  // Extism's worker serves host functions on this thread, out of reach of the guest's memory
  // that every WASI call reads or writes: such a module gets a worker of our own, which runs
  // the WASI layer beside the guest. Loaded on first use, as the WASI layer is.
  if (importsWasi(module)) return (await import('./worker-guest.ts')).createWorkerGuest(module, options);
  // Guest memory is out of reach in a worker: the fast I/O functions answer "unavailable".
  const io = callBuffers();
  const charges = { fuel: () => true, buffer: () => true };
  const guestIo = { ...directIoFunctions(() => undefined, io, charges), ...bulkCopyFunctions(() => undefined, charges) };
  const userFunctions: Record<string, HostFunction> = { ...guestIo, reed_frame_version: frameVersion, ...options.hostFunctions };
  const namespaces = options.namespaces ?? {};
  checkImports(module, userFunctions, namespaces, {}, options.pluginId);
  // Extism's own context: variables live in it (setVariable). Ours (it runs on this thread, as
  // Extism's would), so a refusal is learnt directly, never from a log line a guest could forge.
  // Extism's maxVarBytes counts values only: the keys are held to the same cap here.
  const envFunctions: Record<string, HostFunction> = { var_set: variableSetter(options.onLog, options.onVarsRefused, options.maxVarBytes), ...options.envFunctions };
  // A module whose start code is deferred (it exports __reed_start) runs none of its code while
  // instantiated: it is tried here first, and Extism's instantiation timer (which would count a
  // worker's start-up on a busy machine against the plugin's per-call timeoutMs) is not needed.
  const deferred = defersStart(module);
  if (deferred) await trialInstantiation(module, options.pluginId);
  if (options.loadExtism === undefined) throw new PluginError(ErrorCodes.INTERNAL, 'worker isolation needs Extism, and no loader was given', { pluginId: options.pluginId, operation: 'instantiate' });
  const loadExtism = options.loadExtism;
  let plugin: ExtismPlugin;
  try {
    const createPlugin = await loadExtism();
    plugin = await createPlugin(
      { wasm: [{ module }] },
      {
        useWasi: false,
        runInWorker: true,
        ...(options.timeoutMs !== undefined && !deferred ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.workerOptions !== undefined ? options.workerOptions : {}),
        logLevel: options.logLevel,
        logger: consoleFor(options.onLog) as unknown as Console,
        config: options.config,
        functions: { ...namespaces, 'extism:host/user': userFunctions, 'extism:host/env': locked(envFunctions) },
        memory: {
          // A module with host-call guards holds the cap itself, in O(1) per block.
          ...(options.hostMemoryBytes !== undefined && !hasHostCallGuards(module) ? { maxPages: Math.ceil(options.hostMemoryBytes / 65_536) } : {}),
          ...(options.maxVarBytes !== undefined ? { maxVarBytes: options.maxVarBytes } : {}),
        },
      },
    );
  } catch (err) {
    throw instantiationError(err, options);
  }
  const worker = workerCalls(plugin, options);
  const guest: Guest = {
    runsInWorker: true,
    call: (exportName, input) => callByThen(guest, exportName, input),
    callThen(exportName, input, onOutput, onError) {
      // Plain promise chaining: no async frame of our own on the hot path.
      return worker.call(exportName, input).then(
        // A plain view of the output's buffer: PluginOutput.bytes() caches its view in a
        // WeakMap-backed private field, which costs more than the view itself.
        (output) => onOutput(output === null ? EMPTY : viewOf(output as unknown as DataView)),
        (err: unknown) => onError(classifyCallError(err, options.pluginId, exportName)),
      );
    },
    async instance() {
      return undefined;
    },
    async close() {
      worker.close();
      await plugin.close();
    },
  };
  return guest;
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

/** PluginOutput is a DataView (its typings do not say so). */
function viewOf(output: DataView): Uint8Array {
  return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
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
