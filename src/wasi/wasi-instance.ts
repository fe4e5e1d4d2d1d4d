/**
 * One instance's WASI layer, put together for the engine: the functions, the two log streams
 * behind stdout and stderr, and the entropy source the settings ask for. Built only for a
 * module that imports WASI: a plugin that does not pays nothing.
 */
import type { GuestLogSink, HostFunction, LogLevel } from '../engine/extism-guest.ts';
import { LOG_PRIORITY } from '../engine/log-levels.ts';
import type { HostCharges } from '../engine/guest-io-functions.ts';
import { deterministicEntropy, hostEntropy } from './wasi-clock.ts';
import { wasiFunctions } from './wasi-functions.ts';
import type { WasiSettings } from './wasi-settings.ts';
import { lineStream } from './wasi-streams.ts';

/** What the engine needs to serve WASI to one instance. */
export interface WasiInstanceOptions {
  settings: WasiSettings;
  /** Seeds the deterministic generator (the plugin id). */
  seed: string;
  memory: () => WebAssembly.Memory | undefined;
  fuel: HostCharges['fuel'];
  logLevel: LogLevel;
  onLog: GuestLogSink;
  /** The longest line buffered before it is cut (the per-call log limit). */
  maxLineBytes: number;
  /** Files the guest may hold open at once. */
  maxFileHandles: number;
}

/** One instance's WASI layer. */
export interface WasiInstance {
  /** The functions, for the namespace `reed:wasi_snapshot_preview1` (HOST_WASI_MODULE). */
  functions: Record<string, HostFunction>;
  /** Sends partial lines to the log (at the end of every call). */
  flush(): void;
}

/** Builds the WASI layer of one instance. */
export function wasiInstance(options: WasiInstanceOptions): WasiInstance {
  // Filtered here as Extism filters log_*: the sink expects lines at or above the level.
  const sink = (level: 'info' | 'warn') => (LOG_PRIORITY[level] >= LOG_PRIORITY[options.logLevel] ? (line: string) => options.onLog(level, line) : () => {});
  const stdout = lineStream(sink('info'), options.maxLineBytes);
  const stderr = lineStream(sink('warn'), options.maxLineBytes);
  const entropy = options.settings.deterministic ? deterministicEntropy(options.seed) : hostEntropy();
  return {
    functions: wasiFunctions({
      memory: options.memory,
      fuel: options.fuel,
      stdout,
      stderr,
      entropy,
      args: options.settings.args,
      env: options.settings.env,
      files: { mounts: options.settings.mounts ?? [], maxFileHandles: options.maxFileHandles },
    }),
    flush() {
      stdout.flush();
      stderr.flush();
    },
  };
}
