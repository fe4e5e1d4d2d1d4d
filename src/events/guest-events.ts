/**
 * Events the manager publishes about what a guest did: a refused action (`plugin.denied`) and
 * its log lines (`plugin.log`, bounded by the per-call log limit), for dashboards and the
 * playground. Neither is delivered to WASM plugins (two plugins reacting to each other's logs
 * or refusals would loop).
 *
 * @example
 * ```ts
 * manager.events.subscribe(GuestEvents.DENIED, (e) => console.warn(e.data.pluginId, e.data.what, e.data.reason));
 * manager.events.subscribe(GuestEvents.LOG, (e) => console.log(`[${e.data.pluginId}] ${e.data.level}: ${e.data.message}`));
 * ```
 */
import { Events } from './event-names.ts';
import type { HostEventData } from './event-types.ts';
export const GuestEvents = {
  /** A plugin was refused something: `{ pluginId, what: 'http' | 'event', reason, … }`. */
  DENIED: Events.PLUGIN_DENIED,
  /** A plugin logged: `{ pluginId, level, message }`. */
  LOG: Events.PLUGIN_LOG,
} as const;

/** The data of a `plugin.denied` event. */
export type DeniedEventData = HostEventData['plugin.denied'];

/** The data of a `plugin.log` event. */
export type LogEventData = HostEventData['plugin.log'];

/** Whether an event is one of these guest diagnostics (never delivered to WASM plugins). */
export function isGuestDiagnostic(type: string): boolean {
  return type === GuestEvents.DENIED || type === GuestEvents.LOG;
}
