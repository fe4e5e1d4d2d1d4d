/**
 * The async-iterator form of a subscription (the seed's `recv()` on a broadcast channel): a
 * bounded ring buffer between publish and a consumer that may be slower. When the consumer
 * falls behind, the oldest events are dropped and the consumer is told how many, so memory
 * never grows beyond `bufferSize` events per stream.
 */
import { ErrorCodes, PluginError } from '../errors.ts';
import { isoNow, nextEventId } from './event-id.ts';
import type { PluginEvent } from './event-types.ts';

/**
 * The type of the notice a lagging stream yields. Never published on the bus.
 *
 * @example
 * ```ts
 * for await (const e of manager.events.stream('content.*')) {
 *   if (e.type === STREAM_LAGGED) console.warn('missed events'); else handle(e);
 * }
 * ```
 */
export const STREAM_LAGGED = 'stream.lagged';

/**
 * Yielded by a stream, before the events that follow a gap, when its buffer overflowed:
 * `data.dropped` events (the oldest) were lost.
 *
 * @example
 * ```ts
 * for await (const e of bus.stream('content.*')) {
 *   if (e.type === 'stream.lagged') console.warn(`missed ${e.data.dropped} events`);
 * }
 * ```
 */
export type LaggedEvent = PluginEvent<{ dropped: number }, typeof STREAM_LAGGED>;

/** The default buffer: the seed's broadcast channel holds 1,024 events. */
export const DEFAULT_STREAM_BUFFER = 1024;

/**
 * Options for `bus.stream`.
 *
 * @example
 * ```ts
 * bus.stream('content.*', { bufferSize: 64, signal: controller.signal });
 * ```
 */
export interface StreamOptions {
  /** How many undelivered events to hold before dropping the oldest. Default 1,024. */
  bufferSize?: number;
  /** Ends the stream (like `return()`) when aborted. */
  signal?: AbortSignal;
}

/**
 * A live stream of events. Iterate it with `for await`; `break` (or `return()`) ends it and
 * unsubscribes; `bus.clear()` ends it after the events already buffered.
 *
 * @example
 * ```ts
 * const stream = bus.stream('content.*', { bufferSize: 16 });
 * for await (const event of stream) {
 *   if (event.type === 'stream.lagged') continue;
 *   await index(event);
 * }
 * ```
 */
export class EventStream<Ev = PluginEvent> implements AsyncIterableIterator<Ev | LaggedEvent> {
  /** Events dropped so far because the consumer was too slow. */
  dropped = 0;
  readonly #capacity: number;
  readonly #buffer: Array<Ev | undefined>;
  #head = 0;
  #size = 0;
  #unreported = 0;
  #open = true;
  readonly #waiters: Array<(result: IteratorResult<Ev | LaggedEvent, undefined>) => void> = [];
  #detach: (() => void) | undefined;

  /** Made by `EventBus.stream`; `attach` connects it to its subscription. */
  constructor(bufferSize: number = DEFAULT_STREAM_BUFFER) {
    if (!Number.isInteger(bufferSize) || bufferSize < 1) throw new PluginError(ErrorCodes.INVALID_ARGUMENT, 'bufferSize must be a positive integer');
    this.#capacity = bufferSize;
    // Grown on demand up to the capacity, so an idle stream with a large buffer costs nothing.
    this.#buffer = [];
  }

  /** How many events are waiting to be read. */
  get buffered(): number {
    return this.#size;
  }

  /** False once the stream has ended (buffered events may still be read). */
  get open(): boolean {
    return this.#open;
  }

  /**
   * Connects the stream to what feeds it; `detach` is called once, when the stream ends.
   *
   * @example
   * ```ts
   * stream.attach(bus.subscribe('a.*', (e) => stream.push(e)));
   * ```
   */
  attach(detach: () => void): void {
    if (this.#open) this.#detach = detach;
    else detach();
  }

  /**
   * Offers an event: handed to a waiting consumer, buffered, or (buffer full) buffered after
   * dropping the oldest. Never blocks and never throws: publish must not wait for a stream.
   *
   * @example
   * ```ts
   * stream.push(event);
   * ```
   */
  push(event: Ev): void {
    if (!this.#open) return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      waiter({ value: event, done: false });
      return;
    }
    if (this.#size === this.#capacity) {
      this.#buffer[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.#capacity;
      this.#size--;
      this.dropped++;
      this.#unreported++;
    }
    this.#buffer[(this.#head + this.#size) % this.#capacity] = event;
    this.#size++;
  }

  /**
   * The next event, a lagged notice, or done.
   *
   * @example
   * ```ts
   * const { value, done } = await stream.next();
   * ```
   */
  next(): Promise<IteratorResult<Ev | LaggedEvent, undefined>> {
    if (this.#unreported > 0) {
      const dropped = this.#unreported;
      this.#unreported = 0;
      const notice: LaggedEvent = { id: nextEventId(), type: STREAM_LAGGED, source: 'host', timestamp: isoNow(), data: { dropped } };
      return Promise.resolve({ value: notice, done: false });
    }
    if (this.#size > 0) {
      const event = this.#buffer[this.#head] as Ev;
      this.#buffer[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.#capacity;
      this.#size--;
      return Promise.resolve({ value: event, done: false });
    }
    if (!this.#open) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Ends the stream now, discarding buffered events (what `break` in `for await` calls).
   *
   * @example
   * ```ts
   * await stream.return();
   * ```
   */
  return(): Promise<IteratorResult<Ev | LaggedEvent, undefined>> {
    this.#buffer.length = 0;
    this.#size = 0;
    this.#unreported = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  /**
   * Ends the stream after the events already buffered (what `bus.clear()` calls).
   *
   * @example
   * ```ts
   * stream.end();
   * ```
   */
  end(): void {
    if (!this.#open) return;
    this.#open = false;
    const detach = this.#detach;
    this.#detach = undefined;
    detach?.();
    // Waiters exist only while the buffer is empty, so they are all done.
    for (const waiter of this.#waiters.splice(0)) waiter({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
