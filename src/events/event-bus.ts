/**
 * The host's event bus. Publishing fills in `id`, `timestamp` and `source` and delivers to
 * matching subscribers synchronously, in subscription order; a subscriber that throws or
 * rejects is reported to the error sink and never breaks `publish` or the other subscribers.
 *
 * Memory stays bounded under slow consumers: an async subscriber has at most
 * `maxPendingDeliveries` unfinished deliveries (beyond that its events are dropped and the lag
 * reported), and a stream holds at most `bufferSize` events.
 *
 * Subscriptions are mitt's: exact-type subscribers sit on their type, patterns and predicates
 * on mitt's `*` channel (exact-type subscribers therefore run before pattern ones), added and
 * removed with mitt's `on`/`off`. Publishing walks mitt's handler map (`all`) the way mitt's
 * `emit` does (see `deliver`). Types and patterns follow one grammar (event-type-grammar.ts):
 * a type never contains `*`, so the `*` channel never receives a `*`-typed event.
 */
import mitt, { type Emitter, type EventHandlerMap, type Handler, type WildcardHandler } from 'mitt';
import { ErrorCodes, PluginError } from '../errors.ts';
import { AsyncDeliveries, type Delivery, type Subscriber } from './async-deliveries.ts';
import { isoNow, nextEventId } from './event-id.ts';
import { EventStream, type StreamOptions } from './event-stream.ts';
import { eventPatternProblem, eventTypeProblem } from './event-type-grammar.ts';
import type { AnyEventOf, EventFilter, EventHandler, EventMapOf, EventOf, MatchingTypes, PluginEvent, PublishInput, TypePattern, UntypedEvents } from './event-types.ts';
import { compileTypePattern } from './type-pattern.ts';

export type { PluginEvent, PublishInput, EventHandler, EventFilter, EventMapOf, EventOf, AnyEventOf, MatchingTypes, TypePattern, UntypedEvents } from './event-types.ts';
export { EventStream, STREAM_LAGGED, DEFAULT_STREAM_BUFFER, type LaggedEvent, type StreamOptions } from './event-stream.ts';

/** Where subscriber failures go (the manager routes them to its logger and `plugin.error`). */
export type SubscriberErrorSink = (error: unknown, event: PluginEvent, subscriberOwner: string | undefined) => void;

/**
 * Options for an EventBus.
 *
 * @example
 * ```ts
 * const bus = new EventBus({ onSubscriberError: (err, event) => console.error(event.type, err) });
 * ```
 */
export interface EventBusOptions {
  /** Called when a subscriber throws, rejects, times out or lags. Default: ignored. */
  onSubscriberError?: SubscriberErrorSink;
  /** How long `publish` waits for async subscribers before resolving anyway. Default 5,000 ms. */
  deliveryTimeoutMs?: number;
  /**
   * How many unfinished async deliveries one subscriber may have. Past it, events for that
   * subscriber are dropped (and the lag reported once per episode) until it catches up.
   * Default 1,024, like a stream's buffer.
   */
  maxPendingDeliveries?: number;
}

type Unsubscribe = () => void;
/** `run` of a subscription that has ended: mitt may still call it within the emit under way. */
const SKIP = (): undefined => undefined;

/**
 * Ends a subscription for good. Delivery walks a copy of the list (or the one handler it
 * holds), so a subscriber removed earlier in the same publish must still be skipped.
 */
function end(sub: Subscriber): void {
  sub.active = false;
  sub.run = SKIP;
}
const RESOLVED: Promise<void> = Promise.resolve();
type Channel = Record<string, PluginEvent>;

/**
 * Publish/subscribe for host and plugins. Pass an event map to type types and data.
 *
 * @example
 * ```ts
 * const bus = new EventBus();
 * const off = bus.subscribe('content.*', (e) => console.log(e.type, e.data));
 * await bus.publish({ type: 'content.created', data: { id: 1 } });
 * for await (const e of bus.stream('content.*')) { … }
 * off();
 * ```
 */
export class EventBus<E extends EventMapOf<E> = UntypedEvents> {
  readonly #emitter: Emitter<Channel> = mitt<Channel>();
  /** Every live subscription, for counting and `clear()`. */
  readonly #subscribers = new Set<Subscriber>();
  /** Async deliveries collected during the emit in progress (emits may nest). */
  #collecting: Delivery[] | undefined;
  readonly #streams = new Set<EventStream<any>>();
  readonly #onError: SubscriberErrorSink;
  readonly #deliveries: AsyncDeliveries;
  #count = 0;
  /** The last type that passed validation (a symbol until one has, so nothing matches it). */
  #lastValidType: unknown = Symbol('none');

  constructor(options: EventBusOptions = {}) {
    this.#onError = options.onSubscriberError ?? (() => {});
    const maxPending = options.maxPendingDeliveries ?? 1024;
    if (!(maxPending >= 1)) throw new PluginError(ErrorCodes.INVALID_ARGUMENT, 'maxPendingDeliveries must be at least 1');
    this.#deliveries = new AsyncDeliveries(maxPending, options.deliveryTimeoutMs ?? 5_000, (err, event, owner) => this.#report(err, event, owner));
  }

  /**
   * Subscribes to every event, to a type or wildcard pattern (`content.*`, `content.**`, `*`),
   * or to the events a predicate accepts. Returns the unsubscribe function.
   *
   * @example
   * ```ts
   * const off = bus.subscribe((e) => log(e));
   * const off2 = bus.subscribe('content.*', (e) => index(e));
   * const off3 = bus.subscribe((e) => e.source === 'seo', (e) => audit(e));
   * ```
   */
  subscribe(handler: (event: AnyEventOf<E>) => unknown): Unsubscribe;
  subscribe<P extends TypePattern<E>>(pattern: P, handler: (event: EventOf<E, MatchingTypes<E, P>>) => unknown): Unsubscribe;
  subscribe<S extends AnyEventOf<E>>(predicate: (event: AnyEventOf<E>) => event is S, handler: (event: S) => unknown): Unsubscribe;
  subscribe(filter: TypePattern<E> | ((event: AnyEventOf<E>) => boolean), handler: (event: AnyEventOf<E>) => unknown): Unsubscribe;
  subscribe(filterOrHandler: string | ((event: any) => unknown), maybeHandler?: (event: any) => unknown): Unsubscribe {
    return this.subscribeAs(undefined, filterOrHandler as EventFilter, maybeHandler as EventHandler<any> | undefined);
  }

  /**
   * Like `subscribe`, recording an owner (a plugin id) for error reports. Untyped: the manager
   * uses it for plugin subscriptions, which carry no static types.
   *
   * @example
   * ```ts
   * bus.subscribeAs('seo', 'content.created', handler);
   * ```
   */
  subscribeAs(owner: string | undefined, filterOrHandler: EventFilter | EventHandler<any>, maybeHandler?: EventHandler<any>): Unsubscribe {
    const handler = (maybeHandler ?? filterOrHandler) as (event: PluginEvent) => unknown;
    const filter = maybeHandler === undefined ? undefined : (filterOrHandler as EventFilter);
    if (typeof handler !== 'function') throw new PluginError(ErrorCodes.INVALID_ARGUMENT, 'subscribe needs a handler function');
    if (filter !== undefined && typeof filter !== 'string' && typeof filter !== 'function') throw new PluginError(ErrorCodes.INVALID_ARGUMENT, 'an event filter is a type pattern or a predicate');
    const problem = typeof filter === 'string' ? eventPatternProblem(filter) : undefined;
    if (problem !== undefined) throw new PluginError(ErrorCodes.INVALID_ARGUMENT, problem);

    // Exact types get their own list (no matching cost when publishing other types).
    const exact = typeof filter === 'string' && !filter.includes('*') ? filter : undefined;
    let match: ((event: PluginEvent) => boolean) | undefined;
    if (typeof filter === 'function') match = filter;
    else if (typeof filter === 'string' && exact === undefined && filter !== '*') {
      const matches = compileTypePattern(filter);
      match = (event) => matches(event.type);
    }
    const sub: Subscriber = { owner, match, handler, run: handler, active: true, pending: 0, dropped: 0, lagging: false };
    this.#subscribers.add(sub);
    const direct = this.#deliverer(sub);
    // Only pattern and predicate subscribers pay for matching; exact ones go straight through.
    const deliver = match === undefined ? direct : (event: PluginEvent) => void (sub.active && this.#wants(sub, event) && direct(event));
    let off: () => void;
    if (exact !== undefined) {
      const typed: Handler<PluginEvent> = deliver;
      this.#emitter.on(exact, typed);
      off = () => this.#emitter.off(exact, typed);
    } else {
      const wildcard: WildcardHandler<Channel> = (_type, event) => deliver(event);
      this.#emitter.on('*', wildcard);
      off = () => this.#emitter.off('*', wildcard);
    }
    return () => {
      if (!sub.active) return;
      end(sub);
      this.#subscribers.delete(sub);
      off();
    };
  }

  /**
   * An async iterator over matching events, with a bounded buffer (default 1,024). A consumer
   * that falls behind loses the oldest events and receives a `stream.lagged` notice saying how
   * many. `break` / `return()` ends it; so does `clear()` (after the buffered events) or the
   * `signal`.
   *
   * @example
   * ```ts
   * for await (const e of bus.stream('content.*', { bufferSize: 256 })) {
   *   if (e.type === 'stream.lagged') console.warn(`dropped ${e.data.dropped}`);
   *   else await reindex(e);
   * }
   * ```
   */
  stream(options?: StreamOptions): EventStream<AnyEventOf<E>>;
  stream<P extends TypePattern<E>>(pattern: P, options?: StreamOptions): EventStream<EventOf<E, MatchingTypes<E, P>>>;
  stream<S extends AnyEventOf<E>>(predicate: (event: AnyEventOf<E>) => event is S, options?: StreamOptions): EventStream<S>;
  stream(filter: TypePattern<E> | ((event: AnyEventOf<E>) => boolean), options?: StreamOptions): EventStream<AnyEventOf<E>>;
  stream(filterOrOptions?: string | ((event: any) => boolean) | StreamOptions, maybeOptions?: StreamOptions): EventStream<any> {
    const hasFilter = typeof filterOrOptions === 'string' || typeof filterOrOptions === 'function';
    const filter = hasFilter ? (filterOrOptions as EventFilter) : undefined;
    const options = (hasFilter ? maybeOptions : (filterOrOptions as StreamOptions | undefined)) ?? {};
    const stream = new EventStream<PluginEvent>(options.bufferSize);
    const push = (event: PluginEvent) => stream.push(event);
    const off = filter === undefined ? this.subscribeAs(undefined, push) : this.subscribeAs(undefined, filter, push);
    this.#streams.add(stream);
    const { signal } = options;
    const onAbort = () => void stream.return();
    stream.attach(() => {
      off();
      this.#streams.delete(stream);
      signal?.removeEventListener('abort', onAbort);
    });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    return stream;
  }

  /**
   * Publishes an event to every matching subscriber and resolves, with the full event, once
   * they have all handled it (async ones are awaited up to the delivery timeout). Rejects only
   * for an invalid input (TypeError).
   *
   * @example
   * ```ts
   * const event = await bus.publish({ type: 'content.created', data: { id: 7 } });
   * ```
   */
  publish<K extends keyof E & string>(input: PublishInput<E[K], K>): Promise<PluginEvent<E[K], K>> {
    // createEvent's body, repeated on purpose: calling createEvent from here (even without the
    // try/catch) measured 0.15-0.2x of a raw mitt emit slower per publish in bench/events.ts
    // (one subscriber) than having these few lines inline.
    const type = input !== null && typeof input === 'object' ? input.type : undefined;
    if (type !== this.#lastValidType) {
      const invalid = this.#checkType(type);
      if (invalid !== undefined) return Promise.reject(invalid);
    }
    this.#count++;
    const event: PluginEvent<E[K], K> = { id: nextEventId(), type: type as K, source: input.source ?? 'host', timestamp: isoNow(), data: input.data as E[K] };
    const pending = this.#emit(event as PluginEvent);
    // Nothing async was delivered (the common case): resolve at once, without a promise hop.
    return pending === undefined ? Promise.resolve(event) : this.#settleWith(pending, event);
  }

  /**
   * Builds the full event (id, timestamp, source) without delivering it.
   *
   * @example
   * ```ts
   * const event = bus.createEvent({ type: 'x.y', data: 1 });
   * ```
   */
  createEvent<K extends keyof E & string>(input: PublishInput<E[K], K>): PluginEvent<E[K], K> {
    // null or a primitive has no type: it reads as undefined, which never passed validation.
    const type = input !== null && typeof input === 'object' ? input.type : undefined;
    // Publishers usually repeat one type: validate a type once, not on every event.
    if (type !== this.#lastValidType) {
      const invalid = this.#checkType(type);
      if (invalid !== undefined) throw invalid;
    }
    this.#count++;
    return { id: nextEventId(), type: type as K, source: input.source ?? 'host', timestamp: isoNow(), data: input.data as E[K] };
  }

  /**
   * Delivers an already-built event: synchronously to every matching subscriber, in the order
   * they subscribed; resolves once async ones finish (or the delivery timeout passes).
   *
   * @example
   * ```ts
   * await bus.dispatch(bus.createEvent({ type: 'a.b' }));
   * ```
   */
  dispatch(event: PluginEvent): Promise<void> {
    // An event not built here may carry any type: the same check as publish ("*" would reach
    // the catch-all channel twice).
    const type = event !== null && typeof event === 'object' ? (event as { type?: unknown }).type : undefined;
    if (type !== this.#lastValidType) {
      const invalid = this.#checkType(type);
      if (invalid !== undefined) return Promise.reject(invalid);
    }
    const pending = this.#emit(event);
    return pending === undefined ? RESOLVED : this.#deliveries.settle(pending, event);
  }

  /**
   * How many subscriptions are active, streams included (for leak checks and stats).
   *
   * @example
   * ```ts
   * bus.subscriberCount(); // 3
   * ```
   */
  subscriberCount(): number {
    return this.#subscribers.size;
  }

  /**
   * How many events have been built by this bus (published or created).
   *
   * @example
   * ```ts
   * bus.eventCount(); // 42
   * ```
   */
  eventCount(): number {
    return this.#count;
  }

  /**
   * Removes every subscription and ends every stream (after its buffered events).
   *
   * @example
   * ```ts
   * bus.clear();
   * ```
   */
  clear(): void {
    for (const sub of this.#subscribers) end(sub);
    this.#subscribers.clear();
    this.#emitter.all.clear();
    for (const stream of [...this.#streams]) stream.end();
    this.#streams.clear();
  }

  /**
   * The same bus, typed with an event map (compile-time only). Useful for `manager.events`.
   *
   * @example
   * ```ts
   * const events = manager.events.typed<MyEvents>();
   * ```
   */
  typed<T extends EventMapOf<T>>(): EventBus<T> {
    return this as unknown as EventBus<T>;
  }

  /**
   * The E_INVALID_ARGUMENT error for an invalid event type, or undefined (and the type remembered as the last
   * valid one). Shared by publish (which rejects) and createEvent (which throws).
   */
  #checkType(type: unknown): PluginError | undefined {
    const problem = eventTypeProblem(type);
    if (problem !== undefined) return new PluginError(ErrorCodes.INVALID_ARGUMENT, problem);
    this.#lastValidType = type;
    return undefined;
  }

  /**
   * The function mitt calls for one subscription (after matching): one load, one call and one
   * compare per event for a sync subscriber. The rare paths (lag, async, failure, unsubscribed)
   * live in `sub.run` and in methods.
   */
  #deliverer(sub: Subscriber): (event: PluginEvent) => void {
    return (event) => {
      // Read once, then called as a plain function (no `this`).
      const run = sub.run;
      try {
        const result = run(event);
        // A sync subscriber returns undefined: no thenable probe. Inside the try, so a hostile
        // thenable (a throwing `then`) is reported like any other subscriber failure.
        if (result !== undefined) this.#collect(sub, event, result);
      } catch (err) {
        this.#report(err, event, sub.owner);
      }
    };
  }

  /** Delivers to mitt's handlers and returns the async deliveries it started (undefined: none). */
  #emit(event: PluginEvent): Delivery[] | undefined {
    const outer = this.#collecting;
    this.#collecting = undefined;
    try {
      deliver(this.#emitter.all, event);
      return this.#collecting;
    } finally {
      this.#collecting = outer;
    }
  }

  /** Starts tracking a subscriber's result if it is a promise (or any thenable). */
  #collect(sub: Subscriber, event: PluginEvent, result: unknown): void {
    if (result !== null && typeof (result as Promise<unknown>).then === 'function') {
      // Adopted (a native promise is returned as is): a foreign thenable's `then` runs in a job,
      // so one that throws becomes a rejection, and one that calls back at once cannot run
      // before the delivery is recorded.
      (this.#collecting ??= []).push(this.#deliveries.track(sub, event, Promise.resolve(result)));
    }
  }

  /** Runs a subscriber's predicate or pattern; a throwing predicate is reported, not fatal. */
  #wants(sub: Subscriber, event: PluginEvent): boolean {
    try {
      return (sub.match as (event: PluginEvent) => boolean)(event);
    } catch (err) {
      this.#report(err, event, sub.owner);
      return false;
    }
  }

  /**
   * `settle`, then the event. A method rather than `.then(() => event)` in publish: a closure
   * there would make every publish allocate a context for `event`, async subscribers or not.
   */
  async #settleWith<T extends PluginEvent>(deliveries: Delivery[], event: T): Promise<T> {
    await this.#deliveries.settle(deliveries, event);
    return event;
  }

  #report(err: unknown, event: PluginEvent, owner: string | undefined): void {
    try {
      this.#onError(err, event, owner);
    } catch {
      // The error sink itself failed: nothing sensible is left to do, and publish must go on.
    }
  }
}

/**
 * mitt's `emit`, over mitt's own handler map: exact-type handlers, then `*` handlers, each list
 * snapshotted first so a handler that (un)subscribes does not change this emit. The same order
 * and snapshot semantics without mitt's per-emit `map` (an array and a closure call per
 * handler), which is a measurable share of a one-subscriber publish.
 */
function deliver(all: EventHandlerMap<Channel>, event: PluginEvent): void {
  const exact = all.get(event.type) as Handler<PluginEvent>[] | undefined;
  if (exact !== undefined && exact.length > 0) {
    if (exact.length === 1) (exact[0] as Handler<PluginEvent>)(event);
    else for (const handler of exact.slice()) handler(event);
  }
  const wildcard = all.get('*') as WildcardHandler<Channel>[] | undefined;
  if (wildcard !== undefined && wildcard.length > 0) {
    if (wildcard.length === 1) (wildcard[0] as WildcardHandler<Channel>)(event.type, event);
    else for (const handler of wildcard.slice()) handler(event.type, event);
  }
}
