/**
 * The host's event bus, on mitt. Publishing fills in `id`, `timestamp` and `source`; a
 * subscriber that throws or rejects is reported to the error sink and never breaks `publish` or
 * the other subscribers.
 */
import mitt, { type Emitter } from 'mitt';
import { eventTypeMatches } from '../manifest/capabilities.ts';

/**
 * An event as delivered to subscribers (the seed's Event).
 *
 * @example
 * ```ts
 * const e: PluginEvent = { id: '…', type: 'content.created', source: 'host', timestamp: '2026-…Z', data: { id: 1 } };
 * ```
 */
export interface PluginEvent<T = unknown> {
  /** Unique per event (a UUID). */
  id: string;
  /** Dotted type, e.g. `content.created`. */
  type: string;
  /** Who published it: `host`, or the id of the plugin that did. */
  source: string;
  /** ISO-8601 time of publication. */
  timestamp: string;
  data: T;
}

/** What a publisher provides; the bus fills in the rest. */
export interface PublishInput<T = unknown> {
  type: string;
  data?: T;
  /** Defaults to `host`. Plugins cannot choose it: the manager sets their own id. */
  source?: string;
}

/** A subscriber. It may be async; publish waits for it (up to the delivery timeout). */
export type EventHandler<T = unknown> = (event: PluginEvent<T>) => void | Promise<void>;

/** Which events a subscriber wants: a type pattern (`content.*`) or a predicate. */
export type EventFilter = string | ((event: PluginEvent) => boolean);

/** Where subscriber failures go (the manager routes them to its logger). */
export type SubscriberErrorSink = (error: unknown, event: PluginEvent, subscriberOwner: string | undefined) => void;

/** Options for an EventBus. */
export interface EventBusOptions {
  /** Called when a subscriber throws or rejects. Default: ignored. */
  onSubscriberError?: SubscriberErrorSink;
  /** How long `publish` waits for async subscribers before resolving anyway. Default 5,000 ms. */
  deliveryTimeoutMs?: number;
}

type Envelope = { event: PluginEvent };
type Channel = Record<string, Envelope>;

/**
 * Publish/subscribe for host and plugins.
 *
 * @example
 * ```ts
 * const bus = new EventBus();
 * const off = bus.subscribe('content.*', (e) => console.log(e.type, e.data));
 * await bus.publish({ type: 'content.created', data: { id: 1 } });
 * off();
 * ```
 */
export class EventBus {
  readonly #emitter: Emitter<Channel> = mitt<Channel>();
  readonly #onError: SubscriberErrorSink;
  readonly #deliveryTimeoutMs: number;
  /** Promises of async subscribers collected during one synchronous emit. */
  #pending: Promise<unknown>[] | undefined;
  #count = 0;

  constructor(options: EventBusOptions = {}) {
    this.#onError = options.onSubscriberError ?? (() => {});
    this.#deliveryTimeoutMs = options.deliveryTimeoutMs ?? 5_000;
  }

  /**
   * Subscribes to every event, or to those matching a type pattern or predicate.
   * Returns the unsubscribe function.
   *
   * @example
   * ```ts
   * const off = bus.subscribe((e) => log(e));
   * const off2 = bus.subscribe('content.*', (e) => index(e));
   * const off3 = bus.subscribe((e) => e.source === 'seo', (e) => audit(e));
   * ```
   */
  subscribe(handler: EventHandler): () => void;
  subscribe(filter: EventFilter, handler: EventHandler): () => void;
  subscribe(filterOrHandler: EventFilter | EventHandler, maybeHandler?: EventHandler): () => void {
    return this.subscribeAs(undefined, filterOrHandler, maybeHandler);
  }

  /**
   * Like `subscribe`, recording an owner (a plugin id) for error reports.
   *
   * @example
   * ```ts
   * bus.subscribeAs('seo', 'content.created', handler);
   * ```
   */
  subscribeAs(owner: string | undefined, filterOrHandler: EventFilter | EventHandler, maybeHandler?: EventHandler): () => void {
    const handler = (maybeHandler ?? filterOrHandler) as EventHandler;
    const filter = maybeHandler === undefined ? undefined : (filterOrHandler as EventFilter);
    if (typeof handler !== 'function') throw new TypeError('subscribe needs a handler function');

    const deliver = (event: PluginEvent) => {
      try {
        const result = handler(event);
        if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
          const guarded = (result as Promise<void>).then(undefined, (err: unknown) => this.#report(err, event, owner));
          (this.#pending ??= []).push(guarded);
        }
      } catch (err) {
        this.#report(err, event, owner);
      }
    };

    // Exact types go to mitt's per-type list (no matching cost); patterns and predicates to '*'.
    if (typeof filter === 'string' && !filter.includes('*')) {
      const typed = (envelope: Envelope) => deliver(envelope.event);
      this.#emitter.on(filter, typed);
      return this.#once(() => this.#emitter.off(filter, typed));
    }
    const matches =
      filter === undefined ? () => true : typeof filter === 'string' ? (e: PluginEvent) => eventTypeMatches(filter, e.type) : filter;
    const wildcard = (_type: string, envelope: Envelope) => {
      let wanted = false;
      try {
        wanted = matches(envelope.event);
      } catch (err) {
        this.#report(err, envelope.event, owner);
      }
      if (wanted) deliver(envelope.event);
    };
    this.#emitter.on('*', wildcard);
    return this.#once(() => this.#emitter.off('*', wildcard));
  }

  /**
   * Publishes an event to every matching subscriber and resolves, with the full event, once
   * they have all handled it (async ones are awaited up to the delivery timeout).
   *
   * @example
   * ```ts
   * const event = await bus.publish({ type: 'content.created', data: { id: 7 } });
   * event.id; // a UUID
   * ```
   */
  async publish<T>(input: PublishInput<T>): Promise<PluginEvent<T>> {
    const event = this.createEvent(input);
    await this.dispatch(event);
    return event;
  }

  /**
   * Builds the full event (id, timestamp, source) without delivering it.
   *
   * @example
   * ```ts
   * const event = bus.createEvent({ type: 'x.y', data: 1 });
   * ```
   */
  createEvent<T>(input: PublishInput<T>): PluginEvent<T> {
    if (input === null || typeof input !== 'object' || typeof input.type !== 'string' || input.type === '') {
      throw new TypeError('an event needs a non-empty string `type`');
    }
    return {
      id: newEventId(++this.#count),
      type: input.type,
      source: input.source ?? 'host',
      timestamp: new Date().toISOString(),
      data: input.data as T,
    };
  }

  /**
   * Delivers an already-built event.
   *
   * @example
   * ```ts
   * await bus.dispatch(bus.createEvent({ type: 'a.b' }));
   * ```
   */
  async dispatch(event: PluginEvent): Promise<void> {
    const outer = this.#pending;
    this.#pending = undefined;
    try {
      this.#emitter.emit(event.type, { event });
    } finally {
      const collected = this.#pending;
      this.#pending = outer;
      if (collected !== undefined) await this.#settle(collected, event);
    }
  }

  /**
   * How many subscriptions are active (for leak checks and stats).
   *
   * @example
   * ```ts
   * bus.subscriberCount(); // 3
   * ```
   */
  subscriberCount(): number {
    let n = 0;
    for (const handlers of this.#emitter.all.values()) n += handlers.length;
    return n;
  }

  /**
   * Removes every subscription.
   *
   * @example
   * ```ts
   * bus.clear();
   * ```
   */
  clear(): void {
    this.#emitter.all.clear();
  }

  async #settle(promises: Promise<unknown>[], event: PluginEvent): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#deliveryTimeoutMs);
    });
    const outcome = await Promise.race([Promise.all(promises), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.#report(new Error(`a subscriber did not finish within ${this.#deliveryTimeoutMs} ms; publish went on`), event, undefined);
    }
  }

  #report(err: unknown, event: PluginEvent, owner: string | undefined): void {
    try {
      this.#onError(err, event, owner);
    } catch {
      // The error sink itself failed: nothing sensible is left to do, and publish must go on.
    }
  }

  #once(fn: () => void): () => void {
    let done = false;
    return () => {
      if (!done) {
        done = true;
        fn();
      }
    };
  }
}

/** A UUID where the platform has one (every modern runtime), else a unique counter-based id. */
function newEventId(counter: number): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return typeof c?.randomUUID === 'function' ? c.randomUUID() : `evt-${Date.now().toString(36)}-${counter.toString(36)}`;
}
