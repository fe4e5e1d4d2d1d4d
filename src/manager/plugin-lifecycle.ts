/**
 * Every state change of a plugin and of its generations, checked against one table each. The
 * manager and the generation builder move states only through these functions, so a move the
 * tables do not allow is a host bug, reported as `E_INTERNAL` instead of left to corrupt the
 * record.
 */
import { ErrorCodes, PluginError } from '../errors.ts';
import type { PluginState } from '../plugin/types.ts';
import type { Generation, PluginRecord } from './plugin-record.ts';

/**
 * Where a plugin may go from each state. `active → active` is a reload's swap; `failed` and
 * `unloading` end (the record is replaced or removed).
 */
export const PLUGIN_TRANSITIONS: Readonly<Record<PluginState, readonly PluginState[]>> = {
  loading: ['active', 'failed'],
  active: ['active', 'quarantined', 'unloading'],
  quarantined: ['active', 'unloading'],
  failed: [],
  unloading: [],
};

/** Where a generation may go: swapped in or thrown away while pending; retired once. */
export const PHASE_TRANSITIONS: Readonly<Record<Generation['phase'], readonly Generation['phase'][]>> = {
  pending: ['active', 'retired'],
  active: ['retired'],
  retired: [],
};

function illegal(pluginId: string, what: string, from: string, to: string): PluginError {
  return new PluginError(ErrorCodes.INTERNAL, `illegal ${what} change ${from} -> ${to}`, { pluginId });
}

/** Moves a plugin to `next`; throws `E_INTERNAL` when the table does not allow it. */
export function moveTo(record: PluginRecord, next: PluginState): void {
  if (!PLUGIN_TRANSITIONS[record.state].includes(next)) throw illegal(record.id, 'plugin state', record.state, next);
  record.state = next;
}

function movePhase(generation: Generation, next: Generation['phase']): void {
  if (!PHASE_TRANSITIONS[generation.phase].includes(next)) throw illegal(generation.metadata.id, 'generation phase', generation.phase, next);
  generation.phase = next;
}

/**
 * Makes `generation` the plugin's live one (a first load or a reload's swap): the record goes
 * `active` with no error, and what it knew before any generation is dropped (the generation
 * holds the manifest and kind from now on).
 */
export function activate(record: PluginRecord, generation: Generation): void {
  moveTo(record, 'active');
  movePhase(generation, 'active');
  record.generation = generation;
  record.known = undefined;
  record.error = undefined;
  record.stats.consecutiveFaults = 0;
}

/** Quarantines an active plugin after a fault (its handlers are skipped until a reload). */
export function quarantine(record: PluginRecord, error: PluginError): void {
  moveTo(record, 'quarantined');
  record.error = error;
}

/**
 * Removes a generation's registrations and marks it retired. Retiring a retired generation is
 * a no-op (a reload retires the old one before its swap and again when taking it down).
 */
export function retire(generation: Generation): void {
  if (generation.phase === 'retired') return;
  movePhase(generation, 'retired');
  for (const dispose of generation.disposers.splice(0)) {
    try {
      dispose();
    } catch {
      // An undo function failing must not keep the rest registered.
    }
  }
}
