/**
 * What the manager keeps per plugin, and how it looks a plugin up. A plugin's live parts
 * (runtime, registrations) form a generation; reload builds a new generation beside the old
 * one and swaps, so calls already running finish on the old one.
 */
import { ErrorCodes, PluginError } from '../errors.ts';
import type { PluginMetadata } from '../manifest/types.ts';
import { emptyStats } from '../plugin/stats.ts';
import type { ContentTypeDefinition, TemplateFunctionImpl, PluginInfo, PluginRuntime, PluginSource, PluginState, PluginStats } from '../plugin/types.ts';

/** One loaded version of a plugin. */
export interface Generation {
  metadata: PluginMetadata;
  runtime: PluginRuntime;
  /** Content types this version defines (WASM: read from `content_type` before the swap). */
  contentTypes: Record<string, ContentTypeDefinition>;
  /** Template functions a JS plugin registered in initialize; they go live with the swap. */
  templates: Record<string, TemplateFunctionImpl>;
  /** Undo functions for every hook and subscription this generation registered. */
  disposers: Array<() => void>;
  /**
   * `pending` while it initializes (its handlers stay silent), `active` once swapped in,
   * `retired` after a reload or unload: its registrations are gone, but a hook chain that
   * started before the swap may still call its handlers, and gets the old version's answer.
   */
  phase: 'pending' | 'active' | 'retired';
}

/** The registrations made for a WASM plugin's declared hooks and events (per plugin, not per generation). */
export interface DeclaredRegistrations {
  /** Hooks, priority and event patterns they were made for; unchanged across a reload means kept. */
  signature: string;
  dispose: () => void;
}

/** The manager's entry for one plugin id. */
export interface PluginRecord {
  id: string;
  /** Changed only through src/manager/plugin-lifecycle.ts. */
  state: PluginState;
  /** What it was loaded from, so `reload(id)` can load it again. */
  source: PluginSource | undefined;
  /** Set once loaded; absent for plugins that failed before loading. */
  generation: Generation | undefined;
  /**
   * What was read of a plugin that has no generation yet (loading, or failed): its manifest
   * when it could be read, and its kind. Once a generation is live, it holds both.
   */
  known: { metadata: PluginMetadata | undefined; kind: 'wasm' | 'js' } | undefined;
  error: PluginError | undefined;
  stats: PluginStats;
  /** Load sequence, so shutdown can unload in reverse order. */
  loadedAt: number;
  /** Declared hooks/events of a WASM plugin; they call whatever generation is current. */
  declared: DeclaredRegistrations | undefined;
}

/** What a new record starts from; the rest (no generation yet, zeroed stats) is the same for all. */
export type RecordInit = Pick<PluginRecord, 'id' | 'state' | 'source' | 'known' | 'error'>;

/** A new record: about to load (`loading`), or one that failed before it could (`failed`). */
export function newRecord(init: RecordInit, loadedAt: number): PluginRecord {
  return {
    id: init.id,
    state: init.state,
    source: init.source,
    generation: undefined,
    known: init.known,
    error: init.error,
    stats: emptyStats(),
    loadedAt,
    declared: undefined,
  };
}

/** How `plugins()` shows a record: manifest and kind from its generation, or what was read before. */
export function pluginInfo(record: PluginRecord): PluginInfo {
  const { generation } = record;
  const metadata = generation === undefined ? record.known?.metadata : generation.metadata;
  const kind = generation === undefined ? (record.known?.kind ?? 'wasm') : generation.runtime.kind;
  return { id: record.id, metadata, state: record.state, kind, error: record.error };
}

/**
 * The record of a plugin id.
 *
 * @throws PluginError `E_NOT_FOUND` when the manager knows no such plugin.
 */
export function requireRecord(records: ReadonlyMap<string, PluginRecord>, id: string): PluginRecord {
  const record = records.get(id);
  if (record === undefined) throw new PluginError(ErrorCodes.NOT_FOUND, `no plugin "${id}" is loaded`, { pluginId: id });
  return record;
}

/** The record of a plugin id that holds the id (anything but `failed`: a failed one may be replaced). */
export function liveRecord(records: ReadonlyMap<string, PluginRecord>, id: string): PluginRecord | undefined {
  const record = records.get(id);
  return record !== undefined && record.state !== 'failed' ? record : undefined;
}

/**
 * The generation that may run `operation` now.
 *
 * @throws PluginError `E_QUARANTINED`, or `E_STATE` when the plugin is not active.
 */
export function activeGeneration(record: PluginRecord, operation: string): Generation {
  if (record.state === 'quarantined') {
    throw new PluginError(ErrorCodes.QUARANTINED, 'the plugin is quarantined after repeated faults; reload it to try again', { pluginId: record.id, operation, cause: record.error });
  }
  if (record.state !== 'active' || record.generation === undefined) {
    throw new PluginError(ErrorCodes.STATE, `the plugin is ${record.state}`, { pluginId: record.id, operation, cause: record.error });
  }
  return record.generation;
}
