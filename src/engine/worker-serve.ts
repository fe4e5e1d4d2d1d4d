/**
 * The inside of a plugin's own worker: the inline engine (createGuest, with the WASI layer next
 * to the guest's memory it reads and writes), and stand-ins for everything that lives on the
 * host's side (host functions, the limit signals, the memory budget, mounted files), each a
 * synchronous round trip over the channel (src/engine/worker-channel.ts). Started by the
 * runtime adapter's `spawnGuestWorker`: Node's glue in src/runtime/node.ts, the web's entry
 * (Deno, browsers) in src/engine/worker-web-entry.ts.
 */
import type { CallContext } from '@extism/extism';
import { ErrorCodes, PluginError, describeError } from '../errors.ts';
import type { FileInfo, FileTree, Mount } from '../wasi/wasi-mounts.ts';
import { createGuest, type Guest, type HostFunction, type LogLevel } from './extism-guest.ts';
import { HOST_ENV, HOST_USER, receiveReply, type FromWorker, type ToWorker, type WireError, type WireGuestOptions, type WireMount } from './worker-channel.ts';

/** The worker's end of its port (the web's `self`, or Node's `parentPort` adapted). */
export interface WorkerSelf {
  postMessage(message: FromWorker): void;
  onMessage(listener: (message: unknown) => void): void;
}

/** What the host answers a host function with (see worker-guest.ts). */
export interface HostReply {
  /** The return value: an i64 as text, a number, a block the host stored (by part index), or none. */
  result: { i64: string } | { number: number } | { stored: number } | null;
  /** The host function threw: the guest traps with this message. */
  thrown?: string;
  /** The host function set the call's error (`setError`). */
  guestError?: string;
}

/** A PluginError as it crosses the thread boundary. */
export function wireError(error: PluginError): WireError {
  const prefix = error.pluginId === undefined ? '' : `[${error.pluginId}] `;
  return {
    code: error.code,
    message: error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message,
    operation: error.operation,
    limit: (error as { limit?: { name: string; value: number } }).limit,
  };
}

/**
 * Serves one guest in this worker: `init`, then `call`s, one at a time. The guest runs inline
 * on the host's own kernel (src/engine/inline-kernel.ts): no Extism is loaded here.
 */
export function serveGuestWorker(port: WorkerSelf): void {
  let guest: Guest | undefined;
  let buffer: SharedArrayBuffer | undefined;
  let maxLogChars = 0;
  let logChars = 0;
  const ask = (message: FromWorker) => {
    port.postMessage(message);
    return receiveReply(buffer as SharedArrayBuffer);
  };

  const remoteFunction =
    (namespace: string, name: string): HostFunction =>
    (context: CallContext, ...args: unknown[]) => {
      // Blocks the call names travel with it (host functions take block addresses as i64).
      const blocks: Array<[bigint, Uint8Array]> = [];
      for (const arg of args) {
        if (typeof arg !== 'bigint' || arg === 0n) continue;
        const block = context.read(arg);
        if (block !== null) blocks.push([arg, block.bytes()]);
      }
      const reply = ask({ type: 'host', namespace, name, args, blocks });
      const answer = reply.value as HostReply;
      if (answer.thrown !== undefined) throw new Error(answer.thrown);
      if (answer.guestError !== undefined) context.setError(answer.guestError);
      const stored = reply.parts.map((bytes) => context.store(bytes));
      const result = answer.result;
      if (result === null) return undefined;
      if ('i64' in result) return BigInt(result.i64);
      if ('stored' in result) return stored[result.stored];
      return result.number;
    };

  const remoteTree = (index: number, mount: WireMount): FileTree => {
    const file = (op: string, ...args: unknown[]) => ask({ type: 'file', mount: index, op, args });
    const status = (op: string, ...args: unknown[]) => file(op, ...args).value as number;
    return {
      writable: mount.writable,
      costBytes: mount.costBytes,
      stat: (path) => (file('stat', path).value as FileInfo | null) ?? undefined,
      read(path, offset, length) {
        const reply = file('read', path, offset, length);
        return reply.value === null ? undefined : reply.parts[0];
      },
      list: (path) => (file('list', path).value as string[] | null) ?? undefined,
      write: (path, offset, data) => status('write', path, offset, data),
      truncate: (path) => status('truncate', path),
      remove: (path) => status('remove', path),
      mkdir: (path) => status('mkdir', path),
    };
  };

  const signal = (what: 'host-memory' | 'vars' | 'exit', code = 0) => port.postMessage({ type: 'signal', what, code });

  async function init(module: WebAssembly.Module, options: WireGuestOptions): Promise<void> {
    maxLogChars = options.maxLogBytes;
    const served = (namespace: string) => Object.fromEntries((options.remote[namespace] ?? []).map((name) => [name, remoteFunction(namespace, name)]));
    const namespaces = Object.fromEntries(
      Object.keys(options.remote)
        .filter((n) => n !== HOST_USER && n !== HOST_ENV)
        .map((n) => [n, served(n)]),
    );
    const mounts: Mount[] = options.wasi.mounts.map((mount, index) => ({ path: mount.path, tree: remoteTree(index, mount) }));
    guest = await createGuest(module, {
      pluginId: options.pluginId,
      config: options.config,
      logLevel: options.logLevel as LogLevel,
      onLog(level, message) {
        // Past the call's log limit the host drops lines: stop sending them (characters never
        // outnumber UTF-8 bytes, so the host still sees the line that crosses its limit).
        if (logChars > maxLogChars) return;
        logChars += message.length;
        port.postMessage({ type: 'log', level, message });
      },
      hostFunctions: served(HOST_USER),
      namespaces,
      envFunctions: options.remote[HOST_ENV] === undefined ? undefined : served(HOST_ENV),
      runInWorker: false,
      ...(options.hostMemoryBytes === undefined ? {} : { hostMemoryBytes: options.hostMemoryBytes }),
      ...(options.maxVarBytes === undefined ? {} : { maxVarBytes: options.maxVarBytes }),
      meterFuel: options.meterFuel,
      onHostMemoryRefused: () => signal('host-memory'),
      onVarsRefused: () => signal('vars'),
      onExit: (code) => signal('exit', code),
      wasi: {
        settings: { args: options.wasi.args, env: options.wasi.env, deterministic: options.wasi.deterministic, mounts },
        maxLineBytes: options.wasi.maxLineBytes,
        maxFileHandles: options.wasi.maxFileHandles,
      },
    });
  }

  port.onMessage((raw) => {
    const message = raw as ToWorker;
    if (message.type === 'init') {
      buffer = message.buffer;
      init(message.module, message.options).then(
        () => port.postMessage({ type: 'ready' }),
        (err: unknown) => port.postMessage({ type: 'failed', error: wireError(asPluginError(err, message.options.pluginId)) }),
      );
    } else if (message.type === 'call') {
      logChars = 0;
      if (guest === undefined) return;
      void guest.callThen(
        message.name,
        message.input,
        (output) => port.postMessage({ type: 'done', output }),
        (error) => port.postMessage({ type: 'error', error: wireError(error) }),
      );
    }
  });
}

function asPluginError(err: unknown, pluginId: string): PluginError {
  return err instanceof PluginError ? err : new PluginError(ErrorCodes.INTERNAL, `the plugin's worker could not start the guest: ${describeError(err)}`, { pluginId, operation: 'instantiate' });
}
