/**
 * What the manager keeps per plugin. A plugin's live parts (runtime, registrations) form a
 * generation; reload builds a new generation beside the old one and swaps, so calls already
 * running finish on the old one.
 */
import type { PluginError } from '../errors.ts';
import type { PluginMetadata } from '../manifest/types.ts';
import type { PluginRuntime, PluginSource, PluginState, PluginStats } from '../plugin/types.ts';

/** One loaded version of a plugin. */
export interface Generation {
  metadata: PluginMetadata;
  runtime: PluginRuntime;
  /** Undo functions for every hook and subscription this generation registered. */
  disposers: Array<() => void>;
  /** Only an active generation's handlers run. */
  active: boolean;
}

/** The manager's entry for one plugin id. */
export interface PluginRecord {
  id: string;
  state: PluginState;
  kind: 'wasm' | 'js';
  /** What it was loaded from, so `reload(id)` can load it again. */
  source: PluginSource | undefined;
  /** Set once loaded; absent for plugins that failed before loading. */
  generation: Generation | undefined;
  /** The manifest, when it could be read (also for failed plugins). */
  metadata: PluginMetadata | undefined;
  error: PluginError | undefined;
  stats: PluginStats;
  /** Load sequence, so shutdown can unload in reverse order. */
  loadedAt: number;
}

/**
 * Removes a generation's registrations and marks it inactive.
 *
 * @example
 * ```ts
 * retire(record.generation);
 * ```
 */
export function retire(generation: Generation): void {
  generation.active = false;
  for (const dispose of generation.disposers.splice(0)) {
    try {
      dispose();
    } catch {
      // An undo function failing must not keep the rest registered.
    }
  }
}
