/**
 * The event types the host and ReedCMS publish. Plugins declare the ones they want as
 * `{ Event = "content.created" }` (wildcards such as `content.*` allowed) and receive them
 * through `on_event`.
 *
 * @example
 * ```ts
 * await manager.events.publish({ type: Events.CONTENT_CREATED, data: { id: 42 } });
 * ```
 */
export const Events = {
  /** A plugin finished loading and is active. */
  PLUGIN_LOADED: 'plugin.loaded',
  /** A plugin was unloaded. */
  PLUGIN_UNLOADED: 'plugin.unloaded',
  /** A plugin failed (load, init, or a call). `data` holds the error. */
  PLUGIN_ERROR: 'plugin.error',
  /** A plugin was quarantined after repeated faults: `{ pluginId, faults, code, message }`. */
  PLUGIN_QUARANTINED: 'plugin.quarantined',
  /** A plugin was refused something (HTTP, an undeclared event): `{ pluginId, what, reason, … }`. */
  PLUGIN_DENIED: 'plugin.denied',
  /** A plugin logged: `{ pluginId, level, message }` (bounded by `maxLogBytes`). */
  PLUGIN_LOG: 'plugin.log',
  /** Content was created. */
  CONTENT_CREATED: 'content.created',
  /** Content was updated. */
  CONTENT_UPDATED: 'content.updated',
  /** Content was deleted. */
  CONTENT_DELETED: 'content.deleted',
  /** The host finished initializing its plugins. */
  SYSTEM_STARTUP: 'system.startup',
  /** The host is shutting down. */
  SYSTEM_SHUTDOWN: 'system.shutdown',
} as const;

/**
 * One of the predefined event types.
 *
 * @example
 * ```ts
 * const watched: EventName[] = [Events.CONTENT_CREATED, Events.CONTENT_UPDATED];
 * ```
 */
export type EventName = (typeof Events)[keyof typeof Events];
