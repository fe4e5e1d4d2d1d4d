/**
 * Per-plugin call counters.
 */
import type { PluginError } from '../errors.ts';
import type { PluginStats } from './types.ts';

/** Fresh counters. */
export function emptyStats(): PluginStats {
  return {
    calls: 0,
    faults: 0,
    consecutiveFaults: 0,
    fuel: { last: null, total: 0, budget: null },
    timeMs: { last: 0, total: 0 },
    lastError: undefined,
    restarts: 0,
    memory: { bytes: 0, peak: 0, cap: null },
  };
}

/** Records a successful call. */
export function recordSuccess(stats: PluginStats, elapsedMs: number): void {
  stats.calls++;
  stats.consecutiveFaults = 0;
  stats.timeMs.last = elapsedMs;
  stats.timeMs.total += elapsedMs;
}

/** Records a failed call. */
export function recordFailure(stats: PluginStats, error: PluginError, elapsedMs: number): void {
  stats.calls++;
  stats.faults++;
  stats.consecutiveFaults++;
  stats.lastError = error;
  stats.timeMs.last = elapsedMs;
  stats.timeMs.total += elapsedMs;
}

/**
 * Records a call the host refused before the plugin ran (input too large or not
 * serializable): counted as a call with its error, but not as the plugin's fault.
 */
export function recordRefused(stats: PluginStats, error: PluginError): void {
  stats.calls++;
  stats.lastError = error;
}

/** Records the per-call limits a WASM plugin runs under (shown beside the figures they bound). */
export function recordLimits(stats: PluginStats, limits: { fuel: number | null; memoryBytes: number }): void {
  stats.fuel.budget = limits.fuel;
  stats.memory.cap = limits.memoryBytes;
}

/** Records fuel used by a call. */
export function recordFuel(stats: PluginStats, used: number): void {
  stats.fuel.last = used;
  stats.fuel.total += used;
}

/** A copy safe to hand out (callers must not mutate the live counters). */
export function snapshotStats(stats: PluginStats): PluginStats {
  return { ...stats, fuel: { ...stats.fuel }, timeMs: { ...stats.timeMs }, memory: { ...stats.memory } };
}

/** Records the memory and table bytes an instance holds now. */
export function recordMemory(stats: PluginStats, bytes: number): void {
  stats.memory.bytes = bytes;
  if (bytes > stats.memory.peak) stats.memory.peak = bytes;
}
