/**
 * A guest in a worker of our own, for the modules Extism's worker cannot serve: those that import
 * WASI. Every WASI call reads or writes the guest's memory, which lives in the worker, so the
 * WASI layer runs there, beside the inline engine (src/engine/worker-serve.ts); what belongs to
 * the host (host functions, the network, events, the memory budget, limit signals, mounted
 * files) stays on this thread and is reached through the channel (src/engine/worker-channel.ts).
 * The wall-clock limit is this side's: past `timeoutMs` the worker is terminated, whatever the
 * guest is doing, and the call ends in E_TIMEOUT.
 */
import { ErrorCodes, GuestError, PluginError, describeError, type ErrorCode } from '../errors.ts';
import type { Mount } from '../wasi/wasi-mounts.ts';
import { callByThen, callTimeoutMs, defersStart, timeoutError, type Guest, type GuestOptions, type HostFunction } from './extism-guest.ts';
import { HOST_ENV, HOST_USER, channelBuffer, sendReply, type FromWorker, type WireError, type WireGuestOptions } from './worker-channel.ts';
import type { HostReply } from './worker-serve.ts';

/**
 * How long a worker may take to start and instantiate a module that runs none of its code
 * meanwhile (its start code deferred by the instrumenter): loading the engine into a fresh
 * worker is the host's time, not the plugin's (a page's first worker fetches its chunk), so the
 * call's `timeoutMs` does not bound it; this only catches a worker that never answers.
 */
const WORKER_START_MS = 30_000;

/** Addresses handed out for blocks a host function stores on this side, until the worker stores them for real. */
const PROVISIONAL = 1n << 62n;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A block the worker sent with a host call, shaped as Extism's PluginOutput (a DataView). */
class ShippedBlock extends DataView<ArrayBuffer> {
  constructor(private readonly data: Uint8Array) {
    super(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  }
  bytes(): Uint8Array {
    return this.data;
  }
  text(): string {
    return decoder.decode(this.data);
  }
  string(): string {
    return this.text();
  }
  json(): unknown {
    return JSON.parse(this.text());
  }
}

/** One host call's context on this side: the blocks the call named, and the ones it stores. */
function shippedContext(blocks: Array<[bigint, Uint8Array]>) {
  const known = new Map(blocks);
  const stored: Uint8Array[] = [];
  let guestError: string | undefined;
  const unavailable = (what: string) => () => {
    throw new Error(`${what} is not available to host functions of a plugin in its own worker`);
  };
  const context = {
    read: (address: bigint) => {
      const bytes = known.get(address);
      return bytes === undefined ? null : new ShippedBlock(bytes);
    },
    length: (address: bigint) => BigInt(known.get(address)?.byteLength ?? 0),
    store(data: string | Uint8Array): bigint {
      stored.push(typeof data === 'string' ? encoder.encode(data) : data.slice());
      return PROVISIONAL + BigInt(stored.length - 1);
    },
    setError(message: string): void {
      guestError = message;
    },
    getVariable: unavailable('getVariable'),
    setVariable: unavailable('setVariable'),
    deleteVariable: unavailable('deleteVariable'),
    alloc: unavailable('alloc'),
  };
  const reply = (value: unknown): HostReply => {
    let result: HostReply['result'] = null;
    if (typeof value === 'bigint') result = value >= PROVISIONAL && value < PROVISIONAL + BigInt(stored.length) ? { stored: Number(value - PROVISIONAL) } : { i64: value.toString() };
    else if (typeof value === 'number') result = { number: value };
    return { result, ...(guestError === undefined ? {} : { guestError }) };
  };
  return { context, stored, reply };
}

/** The host's side of the guest's mounts: the real trees, called for the worker. */
function fileCall(mounts: readonly Mount[], index: number, op: string, args: unknown[]): { value: unknown; parts: Uint8Array[] } {
  const tree = mounts[index]?.tree;
  if (tree === undefined) throw new Error(`no mount ${index}`);
  const [path, a, b] = args as [string, unknown, unknown];
  switch (op) {
    case 'stat':
      return { value: tree.stat(path) ?? null, parts: [] };
    case 'read': {
      const bytes = tree.read(path, a as number, b as number);
      return bytes === undefined ? { value: null, parts: [] } : { value: true, parts: [bytes] };
    }
    case 'list':
      return { value: tree.list(path) ?? null, parts: [] };
    case 'write':
      return { value: tree.write(path, a as number, b as Uint8Array), parts: [] };
    case 'truncate':
    case 'remove':
    case 'mkdir':
      return { value: tree[op](path), parts: [] };
    default:
      throw new Error(`unknown file operation ${op}`);
  }
}

/** A GuestError from its form on the wire. */
function fromWire(error: WireError, pluginId: string): GuestError {
  return new GuestError(error.code as ErrorCode, error.message, { pluginId, operation: error.operation, ...(error.limit === undefined ? {} : { limit: error.limit }) });
}

/** The functions the host serves, by namespace, for the worker's stand-ins. */
function hostSide(options: GuestOptions): Record<string, Record<string, HostFunction>> {
  return {
    ...options.namespaces,
    [HOST_USER]: options.hostFunctions,
    ...(options.envFunctions === undefined ? {} : { [HOST_ENV]: options.envFunctions }),
  };
}

/**
 * Starts a worker of our own for `module` and instantiates it there.
 *
 * @throws PluginError `E_UNSUPPORTED` where the runtime starts no workers, or what the
 *   instantiation failed with (E_LINK, E_WASM, …).
 */
export async function createWorkerGuest(module: WebAssembly.Module, options: GuestOptions): Promise<Guest> {
  const { pluginId } = options;
  if (options.spawnWorker === undefined) {
    throw new PluginError(ErrorCodes.UNSUPPORTED, "the module imports WASI, which isolation 'worker' serves through a worker this runtime cannot start; use 'inline'", {
      pluginId,
      operation: 'instantiate',
    });
  }
  const functions = hostSide(options);
  const mounts = options.wasi.settings?.mounts ?? [];
  const buffer = channelBuffer();
  const port = options.spawnWorker();
  let dead = false;
  let settle: { done(message: FromWorker): void; fail(error: PluginError): void } | undefined;
  const stop = () => {
    dead = true;
    port.terminate();
  };

  port.onError((err) => {
    stop();
    settle?.fail(new GuestError(ErrorCodes.TRAP, `the plugin's worker failed: ${describeError(err)}`, { pluginId, operation: 'worker' }));
  });
  port.onMessage((raw) => {
    const message = raw as FromWorker;
    switch (message.type) {
      case 'log':
        options.onLog(message.level, message.message);
        return;
      case 'signal':
        if (message.what === 'host-memory') options.onHostMemoryRefused?.();
        else if (message.what === 'vars') options.onVarsRefused?.();
        else options.onExit?.(message.code);
        return;
      case 'host':
        void answerHost(message);
        return;
      case 'file': {
        let reply: { value: unknown; parts: Uint8Array[] };
        try {
          reply = fileCall(mounts, message.mount, message.op, message.args);
        } catch {
          // A tree that throws answers as no file: WASI reports ENOENT/EIO, the host goes on.
          reply = { value: null, parts: [] };
        }
        void sendReply(buffer, reply, () => dead);
        return;
      }
      default:
        settle?.done(message);
    }
  });

  async function answerHost(message: Extract<FromWorker, { type: 'host' }>): Promise<void> {
    const fn = functions[message.namespace]?.[message.name];
    const shipped = shippedContext(message.blocks);
    let answer: HostReply;
    try {
      if (fn === undefined) throw new Error(`${message.namespace}.${message.name} is not served`);
      answer = shipped.reply(await fn(shipped.context as never, ...message.args));
    } catch (err) {
      answer = { result: null, thrown: describeError(err) };
    }
    await sendReply(buffer, { value: answer, parts: shipped.stored }, () => dead);
  }

  /** One exchange with the worker, ended by its answer, its death, or the time limit. */
  function exchange(send: () => void, operation: string, timeoutMs = callTimeoutMs(options)): Promise<FromWorker> {
    if (dead) return Promise.reject(new PluginError(ErrorCodes.CLOSED, `${operation}: the plugin's worker was stopped`, { pluginId, operation }));
    return new Promise<FromWorker>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      settle = {
        done(message) {
          clearTimeout(timer);
          settle = undefined;
          resolve(message);
        },
        fail(error) {
          clearTimeout(timer);
          settle = undefined;
          reject(error);
        },
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          stop();
          settle?.fail(timeoutError(pluginId, operation));
        }, timeoutMs);
      }
      port.setBusy?.(true);
      send();
    }).finally(() => port.setBusy?.(false));
  }

  const settings = options.wasi.settings;
  const wire: WireGuestOptions = {
    pluginId,
    config: options.config,
    logLevel: options.logLevel,
    hostMemoryBytes: options.hostMemoryBytes,
    maxVarBytes: options.maxVarBytes,
    meterFuel: options.meterFuel ?? false,
    maxLogBytes: options.wasi.maxLineBytes,
    wasi: {
      args: settings?.args ?? [],
      env: settings?.env ?? [],
      deterministic: settings?.deterministic ?? false,
      mounts: mounts.map((m) => ({ path: m.path, writable: m.tree.writable, costBytes: m.tree.costBytes })),
      maxLineBytes: options.wasi.maxLineBytes,
      maxFileHandles: options.wasi.maxFileHandles,
    },
    remote: Object.fromEntries(Object.entries(functions).map(([namespace, fns]) => [namespace, Object.keys(fns)])),
  };
  // A module whose start code is deferred runs nothing while instantiated (see WORKER_START_MS).
  const deferred = defersStart(module);
  const callMs = callTimeoutMs(options);
  const startMs = deferred && callMs !== undefined ? Math.max(WORKER_START_MS, callMs) : callMs;
  const started = await exchange(() => port.postMessage({ type: 'init', module, buffer, options: wire }), 'instantiate', startMs).catch((err: unknown) => {
    stop();
    throw err;
  });
  if (started.type === 'failed') {
    stop();
    throw fromWire(started.error, pluginId);
  }

  let queue: Promise<unknown> = Promise.resolve();
  const guest: Guest = {
    runsInWorker: true,
    call: (exportName, input) => callByThen(guest, exportName, input),
    callThen(exportName, input, onOutput, onError) {
      const result = queue.then(() =>
        exchange(() => port.postMessage({ type: 'call', name: exportName, input }), exportName).then(
          (message) => (message.type === 'done' ? onOutput(message.output) : onError(message.type === 'error' ? fromWire(message.error, pluginId) : unexpected(message, pluginId))),
          (error: PluginError) => onError(error),
        ),
      );
      queue = result.catch(() => {});
      return result;
    },
    async instance() {
      return undefined;
    },
    async close() {
      stop();
    },
  };
  return guest;
}

function unexpected(message: FromWorker, pluginId: string): PluginError {
  return new PluginError(ErrorCodes.INTERNAL, `the plugin's worker answered ${message.type}`, { pluginId, operation: 'worker' });
}
