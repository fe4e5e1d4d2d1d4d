/**
 * The event shapes and the compile-time machinery for typed event maps: declare
 * `{ 'content.created': { id: number } }` once and `publish` / `subscribe` / `stream` check
 * types, data and even wildcard patterns (`content.*` narrows to the matching types).
 */

/**
 * An event as delivered to subscribers (the seed's Event).
 *
 * @example
 * ```ts
 * const e: PluginEvent<{ id: number }, 'content.created'> = { id: '…', type: 'content.created', source: 'host', timestamp: '2026-…Z', data: { id: 1 } };
 * ```
 */
export interface PluginEvent<T = unknown, K extends string = string> {
  /** Unique per event: a random per-process prefix plus a counter (see event-id.ts). */
  id: string;
  /** Dotted type, e.g. `content.created`. */
  type: K;
  /** Who published it: `host`, or the id of the plugin that did. */
  source: string;
  /** ISO-8601 time of publication. */
  timestamp: string;
  data: T;
  /**
   * The plugin call that published it, `<pluginId>#<n>` (the plugin's n-th call): only on events
   * a WASM plugin published, so a runner can show them per call.
   */
  call?: string;
}

/**
 * What a publisher provides; the bus fills in the rest.
 *
 * @example
 * ```ts
 * const input: PublishInput<{ id: number }> = { type: 'content.created', data: { id: 1 } };
 * ```
 */
export interface PublishInput<T = unknown, K extends string = string> {
  type: K;
  data?: T;
  /** Defaults to `host`. Plugins cannot choose it: the manager sets their own id. */
  source?: string;
}

/**
 * A subscriber. It may be async; publish waits for it (up to the delivery timeout).
 *
 * @example
 * ```ts
 * const log: EventHandler = (e) => console.log(e.type);
 * ```
 */
export type EventHandler<T = unknown> = (event: PluginEvent<T>) => unknown;

/**
 * Which events a subscriber wants: a type pattern (`content.*`) or a predicate.
 *
 * @example
 * ```ts
 * const filter: EventFilter = (e) => e.source === 'seo';
 * ```
 */
export type EventFilter = string | ((event: PluginEvent) => boolean);

/**
 * The constraint on an event map `E` (type → data). A mapped type, so interfaces qualify.
 *
 * @example
 * ```ts
 * interface MyEvents { 'content.created': { id: number }; 'system.startup': undefined }
 * const bus = new EventBus<MyEvents>();
 * ```
 */
export type EventMapOf<E> = { [K in keyof E]: unknown };

/**
 * The data of the events the host publishes itself, so `subscribe('plugin.error', (e) =>
 * e.data.code)` is typed without declaring a map.
 */
export interface HostEventData {
  'plugin.loaded': { id: string; version: string; reloaded?: boolean };
  'plugin.unloaded': { id: string; version: string };
  'plugin.error': { pluginId: string | undefined; code: string; operation: string | undefined; message: string; error: Error };
  'plugin.quarantined': { pluginId: string; faults: number; code: string; message: string };
  /** A refused guest action (HTTP or publishing an event). */
  'plugin.denied': {
    pluginId: string;
    /** What was refused: an HTTP request or publishing an event. */
    what: 'http' | 'event';
    reason: string;
    /** HTTP: `denied` (policy), `limit` or `timeout`. */
    kind?: string;
    /** HTTP: the refusal's code, `E_HTTP_DENIED` (policy), `E_LIMIT` or `E_TIMEOUT`. */
    code?: string;
    /** HTTP: the URL refused (after redirects, the hop that was refused). */
    url?: string;
    /** The limit that was hit (`maxHttpRequests`, `maxEventsPerCall`, `maxEventsPerChain`, …). */
    limit?: string;
    /** Events: the type the plugin tried to publish. */
    type?: string;
  };
  /** A guest log line. */
  'plugin.log': {
    pluginId: string;
    level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
    message: string;
    /** The call it was logged in, `<pluginId>#<n>` (absent for lines outside a call). */
    call?: string;
  };
  'system.startup': { loaded: string[]; failed: string[] };
  'system.shutdown': Record<string, never>;
}

/** The default map: the host's own events typed, any other type with any data. */
export interface UntypedEvents extends HostEventData {
  [type: string]: any;
}

/**
 * The event for each type in `K` (a union of types gives a union of events, so
 * `switch (e.type)` narrows `e.data`).
 *
 * @example
 * ```ts
 * type E = EventOf<MyEvents, 'content.created'>; // PluginEvent<{ id: number }, 'content.created'>
 * ```
 */
export type EventOf<E, K> = K extends keyof E & string ? PluginEvent<E[K], K> : never;

/** Any event of the map. */
export type AnyEventOf<E> = EventOf<E, keyof E & string>;

/**
 * The types of `E` that pattern `P` matches, as `eventTypeMatches` does at run time:
 * `*` every type, `a.*` one segment under `a`, `a.**` any depth under `a`. Other wildcard
 * positions give every type (the compiler cannot do better cheaply).
 */
export type MatchingTypes<E, P extends string> = P extends `${string}*${string}` ? WildcardTypes<E, P> : P & (keyof E | (string extends keyof E ? string : never));

type WildcardTypes<E, P extends string> = string extends keyof E
  ? string
  : P extends '*'
    ? keyof E & string
    : P extends `${infer Prefix}.**`
      ? Prefix extends `${string}*${string}`
        ? keyof E & string
        : Extract<keyof E & string, `${Prefix}.${string}`>
      : P extends `${infer Prefix}.*`
        ? Prefix extends `${string}*${string}`
          ? keyof E & string
          : OneSegmentUnder<keyof E & string, Prefix>
        : keyof E & string;

type OneSegmentUnder<K extends string, Prefix extends string> = K extends `${Prefix}.${infer Rest}` ? (Rest extends `${string}.${string}` ? never : K) : never;

/** What `subscribe` / `stream` accept as a type filter: a declared type, or any wildcard pattern. */
export type TypePattern<E> = (keyof E & string) | `${string}*${string}`;
