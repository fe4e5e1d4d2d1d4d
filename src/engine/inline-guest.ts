/**
 * An inline guest on the host's own kernel (inline-kernel.ts): the module instantiated with
 * `WebAssembly.instantiate` and called on this thread, with no Extism in between. Async host
 * functions (HTTP, a host's own) suspend the guest through JSPI where the engine has it
 * (`WebAssembly.Suspending` / `WebAssembly.promising`: Chromium, Deno, workerd).
 */
import { ErrorCodes, GuestError } from '../errors.ts';
import { INSTRUMENT_EXPORTS } from '../instrument/constants.ts';
import { WasiExit } from '../wasi/wasi-exit.ts';
import { HOST_WASI_MODULE, importsWasi } from '../wasi/wasi-link.ts';
import { allocationBudget } from './budgeted-kernel.ts';
import type { Guest, GuestOptions, HostFunction } from './extism-guest.ts';
import { callByThen, checkImports, classifyCallError, frameVersion, guestTextError, instantiationError, serveWasi } from './guest-support.ts';
import { bulkCopyFunctions, callBuffers, directIoFunctions, fuelCharger } from './guest-io-functions.ts';
import { inlineKernel, type InlineKernel } from './inline-kernel.ts';

const EXTISM_ENV = 'extism:host/env';
const EXTISM_USER = 'extism:host/user';
const EMPTY = new Uint8Array(0);

const AsyncFunction = (async () => {}).constructor;
const jspi = WebAssembly as unknown as { Suspending?: new (fn: (...args: any[]) => unknown) => object; promising?: (fn: (...args: any[]) => unknown) => (...args: any[]) => Promise<unknown> };

type Callable = (...args: any[]) => unknown;

/** The outcome of one call, settled synchronously when the guest did not suspend. */
type Outcome = { output: Uint8Array } | { error: unknown };

/** Instantiates a compiled module inline on the host's kernel. */
export async function createInlineGuest(module: WebAssembly.Module, options: GuestOptions): Promise<Guest> {
  let memory: WebAssembly.Memory | undefined;
  let fuel: WebAssembly.Global | undefined;
  // The host-buffer cap, O(1) per block; with the manager-wide budget on top when there is one.
  const own = allocationBudget(options.hostMemoryBytes ?? Number.POSITIVE_INFINITY, options.onLog, options.onHostMemoryRefused);
  const shared = options.chargeHostBytes;
  const take = shared === undefined ? own.take : (bytes: number) => own.take(bytes) && shared(bytes);
  const kernel = inlineKernel({
    config: options.config,
    logLevel: options.logLevel,
    onLog: options.onLog,
    maxVarBytes: options.maxVarBytes,
    charge: take,
    onVarsRefused: options.onVarsRefused,
    onBlocksRefused: options.onHostMemoryRefused,
  });
  // The guest I/O functions charge the budget and the fuel themselves, in one order (budget,
  // fuel, copy): they get the uncharged context.
  const io = callBuffers();
  const chargeFuel = fuelCharger(() => fuel);
  const charges = { fuel: chargeFuel, buffer: take };
  const guestIo = { ...directIoFunctions(() => memory, io, charges), ...bulkCopyFunctions(() => memory, charges) };
  const userFunctions: Record<string, HostFunction> = { reed_frame_version: frameVersion, ...options.hostFunctions };
  const wasi = importsWasi(module) ? await serveWasi(options, () => memory, chargeFuel) : undefined;
  const namespaces = options.namespaces ?? {};
  checkImports(module, { ...guestIo, ...userFunctions }, namespaces, wasi?.functions ?? {}, options.pluginId);

  // Every function the module imports, handed its context (Extism's calling convention).
  let suspends = false;
  const imports: Record<string, Record<string, Callable | object>> = {};
  try {
    for (const { module: namespace, name, kind } of WebAssembly.Module.imports(module)) {
      if (kind !== 'function') throw new Error(`in import "${namespace}" "${name}", "${kind}"-typed host imports are not supported`);
      let fn: Callable | undefined;
      let context = kernel.context;
      if (namespace === EXTISM_ENV) {
        const replacement = options.envFunctions?.[name];
        if (replacement === undefined) {
          fn = Object.hasOwn(kernel.env, name) ? kernel.env[name] : undefined;
          if (fn === undefined) throw new Error(`cannot resolve import "${namespace}" "${name}" ("${namespace}" does not contain "${name}")`);
          (imports[namespace] ??= {})[name] = fn;
          continue;
        }
        fn = replacement;
      } else if (namespace === EXTISM_USER && Object.hasOwn(guestIo, name)) {
        fn = guestIo[name];
        context = kernel.uncharged;
      } else if (namespace === EXTISM_USER) fn = Object.hasOwn(userFunctions, name) ? userFunctions[name] : undefined;
      else if (namespace === HOST_WASI_MODULE && wasi !== undefined) {
        fn = Object.hasOwn(wasi.functions, name) ? wasi.functions[name] : undefined;
        context = kernel.uncharged;
      } else fn = Object.hasOwn(namespaces, namespace) && Object.hasOwn(namespaces[namespace]!, name) ? namespaces[namespace]![name] : undefined;
      if (fn === undefined) throw new Error(`cannot resolve import "${namespace}" "${name}": not provided by the host`);
      const bound = fn.bind(null, context);
      if (fn.constructor === AsyncFunction) {
        if (jspi.Suspending === undefined || jspi.promising === undefined) {
          throw new TypeError('This platform does not support async function imports on the main thread; consider using `runInWorker`.');
        }
        suspends = true;
        (imports[namespace] ??= {})[name] = new jspi.Suspending(bound);
      } else (imports[namespace] ??= {})[name] = bound;
    }
  } catch (err) {
    throw instantiationError(err, options);
  }

  let instance: WebAssembly.Instance;
  try {
    instance = await WebAssembly.instantiate(module, imports as WebAssembly.Imports);
    memory = instance.exports['memory'] instanceof WebAssembly.Memory ? instance.exports['memory'] : undefined;
    // Host-side copies draw on the fuel of an instrumented module (the guest reads it back after
    // every call it makes).
    const counter = instance.exports[INSTRUMENT_EXPORTS.fuel];
    fuel = options.meterFuel === true && counter instanceof WebAssembly.Global ? counter : undefined;
    runStartExports(instance, kernel);
  } catch (err) {
    throw instantiationError(err, options);
  }

  const promised = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  /** Runs the export; a promise only when it may suspend. */
  const invoke = (exportName: string): Promise<unknown> | undefined => {
    const fn = instance.exports[exportName];
    if (typeof fn !== 'function') throw new Error(`Plugin error: function "${exportName}" does not exist`);
    if (!suspends) {
      (fn as Callable)();
      return undefined;
    }
    let wrapped = promised.get(exportName);
    if (wrapped === undefined) {
      wrapped = jspi.promising!(fn as Callable);
      promised.set(exportName, wrapped);
    }
    return wrapped();
  };

  /**
   * What the call produced, as an outcome whatever happens while reading it: under JSPI a throw
   * here would reject the call's promise past its `onError`, and the plugin layer, which
   * releases the plugin's call queue there, would wait for ever.
   */
  const settle = (exportName: string, failure: unknown, failed: boolean): Outcome => {
    try {
      return results(exportName, failure, failed);
    } catch (err) {
      kernel.end();
      io.output = undefined;
      io.input = EMPTY;
      return { error: classifyCallError(err, options.pluginId, exportName) };
    }
  };

  /** What the call produced, read once the export returned or failed; resets the call's state. */
  const results = (exportName: string, failure: unknown, failed: boolean): Outcome => {
    wasi?.flush();
    // Output handed over with reed_output_write wins over output_set's (docs/abi.md).
    const output = io.output ?? kernel.output();
    const guestError = kernel.error();
    kernel.end();
    io.output = undefined;
    io.input = EMPTY;
    if (failed) {
      if (failure instanceof WasiExit) {
        options.onExit?.(failure.code);
        if (failure.code === 0) return { output: output ?? EMPTY };
        return { error: new GuestError(ErrorCodes.GUEST, `${exportName}: the plugin exited with code ${failure.code} (proc_exit)`, { pluginId: options.pluginId, operation: exportName }) };
      }
      return { error: classifyCallError(failure, options.pluginId, exportName) };
    }
    if (guestError !== undefined) return { error: guestTextError(guestError, options.pluginId, exportName) };
    return { output: output ?? EMPTY };
  };

  const guest: Guest = {
    runsInWorker: false,
    call: (exportName, input) => callByThen(guest, exportName, input),
    callThen(exportName, input, onOutput, onError) {
      own.reset();
      kernel.begin(input);
      // The guest can read the input bytes directly (reed_input_read).
      io.input = input;
      io.output = undefined;
      let outcome: Outcome | Promise<Outcome>;
      try {
        const pending = invoke(exportName);
        outcome =
          pending === undefined
            ? settle(exportName, undefined, false)
            : pending.then(
                () => settle(exportName, undefined, false),
                (err: unknown) => settle(exportName, err, true),
              );
      } catch (err) {
        outcome = settle(exportName, err, true);
      }
      // One promise reaction: the caller's continuation runs after this call returns, as it did
      // when the call itself was asynchronous.
      return Promise.resolve(outcome).then((settled) => ('output' in settled ? onOutput(settled.output) : onError(settled.error as Parameters<typeof onError>[0])));
    },
    async instance() {
      return instance;
    },
    async close() {},
  };
  return guest;
}

/**
 * The start code an Extism host runs after instantiating (a module not linked by this host:
 * `hs_init`, a reactor's `_initialize`, a command's `_start`), in a call frame of its own.
 * A module prepared here has them renamed or deferred (`__reed_start`) and runs none.
 */
function runStartExports(instance: WebAssembly.Instance, kernel: Pick<InlineKernel, 'begin' | 'end'>): void {
  const exports = instance.exports as Record<string, unknown>;
  const run = (name: string) => {
    const fn = exports[name];
    if (typeof fn !== 'function') return;
    kernel.begin(EMPTY);
    (fn as Callable)();
    kernel.end();
  };
  // Extism's order: a Haskell module's init, else a reactor's, else a command's start.
  if (typeof exports['hs_init'] === 'function') run('hs_init');
  else if (typeof exports['_initialize'] === 'function') run('_initialize');
  else run('_start');
}
