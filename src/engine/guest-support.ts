/**
 * What both engines share (the inline one on our own kernel, inline-guest.ts, and Extism's
 * worker, extism-guest.ts): the import check, the WASI layer, how a failed call or
 * instantiation is typed, and the per-call time bound.
 */
import { ErrorCodes, GuestError, PluginError, describeError } from '../errors.ts';
import { FRAME_VERSION } from '../util/frame-codec.ts';
import { printable } from '../util/printable.ts';
import type { WasiInstance } from '../wasi/wasi-instance.ts';
import { HOST_WASI_MODULE, WASI_MODULE } from '../wasi/wasi-link.ts';
import type { Guest, GuestOptions, HostFunction } from './extism-guest.ts';
import { describeMissingImports } from './import-hints.ts';

/** `reed_frame_version() -> i32`: the frame version this host reads and writes. */
export function frameVersion(): number {
  return FRAME_VERSION;
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
export function instantiationError(err: unknown, options: GuestOptions): PluginError {
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

/**
 * Fails early, with the full list, when the module needs imports we do not provide: Extism
 * would otherwise report only the first.
 */
export function checkImports(
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
export async function serveWasi(options: GuestOptions, memory: () => WebAssembly.Memory | undefined, fuel: (bytes: number) => boolean): Promise<WasiInstance> {
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

/** How Extism words an error the guest set with `error_set`. */
const GUEST_ERROR_PREFIX = 'Plugin-originated error: ';

/**
 * The most of a guest's error text the host keeps. The text is a block the guest sets, bounded
 * only by the call's host-buffer budget (megabytes), and it lands in the error's message, the
 * plugin's stats and the host's logs: no log limit applies there.
 */
const MAX_GUEST_ERROR_CHARS = 4096;

/**
 * The error of a call that failed with the guest's own text (`error_set`), clipped once: the
 * message names how long the whole text was. `cause` defaults to an Error holding the clipped
 * text in Extism's wording.
 */
export function guestTextError(text: string, pluginId: string, exportName: string, cause?: unknown): GuestError {
  const clipped = text.length > MAX_GUEST_ERROR_CHARS ? `${text.slice(0, MAX_GUEST_ERROR_CHARS)}… (${text.length} characters in all)` : text;
  // The guest's own words: never raw into the host's logs.
  return new GuestError(ErrorCodes.GUEST, `${exportName}: ${printable(clipped)}`, { pluginId, cause: cause ?? new Error(GUEST_ERROR_PREFIX + clipped), operation: exportName });
}

/** Turns what a call threw (our kernel or Extism) into a typed GuestError. */
export function classifyCallError(err: unknown, pluginId: string, exportName: string): PluginError {
  if (err instanceof PluginError) return err;
  const { message, errorName } = workerError(err);
  const operation = exportName;
  // Extism's worker words the guest's own error this way.
  if (message.startsWith(GUEST_ERROR_PREFIX)) return guestTextError(message.slice(GUEST_ERROR_PREFIX.length), pluginId, exportName, err);
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
