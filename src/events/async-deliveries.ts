/**
 * The async side of event delivery: a subscriber that returns a promise has at most
 * `maxPending` unfinished deliveries (past that its events are dropped and the lag reported once
 * per episode), and `publish` waits for deliveries at most the delivery timeout.
 */
import { ErrorCodes, PluginError } from '../errors.ts';
import type { PluginEvent } from './event-types.ts';

/** One subscription (the bus's, shared with delivery tracking). */
export interface Subscriber {
  readonly owner: string | undefined;
  /** undefined: every event reaching this list (exact-type lists, or subscribe-all). */
  readonly match: ((event: PluginEvent) => boolean) | undefined;
  readonly handler: (event: PluginEvent) => unknown;
  /**
   * What delivery calls: the handler; the lag reporter while `pending` is at the cap; a no-op
   * once unsubscribed. Swapping it on those (rare) changes keeps the per-event path free of
   * state checks, which measurably cost with many subscribers.
   */
  run: (event: PluginEvent) => unknown;
  active: boolean;
  /** Async deliveries not yet settled. */
  pending: number;
  /** Events dropped because `pending` was at the cap. */
  dropped: number;
  lagging: boolean;
}

/** One async delivery that publish waits for. */
export interface Delivery {
  readonly owner: string | undefined;
  settled: boolean;
  readonly promise: Promise<void>;
}

/** Where failures, timeouts and lag reports go (the bus's error sink, guarded). */
type Report = (err: unknown, event: PluginEvent, owner: string | undefined) => void;

/** Tracks the async deliveries of one bus. */
export class AsyncDeliveries {
  readonly #maxPending: number;
  readonly #timeoutMs: number;
  readonly #report: Report;

  constructor(maxPending: number, timeoutMs: number, report: Report) {
    this.#maxPending = maxPending;
    this.#timeoutMs = timeoutMs;
    this.#report = report;
  }

  /** Drops an event for a subscriber at its pending cap, reporting the lag once per episode. */
  #lag(sub: Subscriber, event: PluginEvent): void {
    sub.dropped++;
    if (sub.lagging) return;
    sub.lagging = true;
    this.#report(
      new PluginError(
        ErrorCodes.LIMIT,
        `event subscriber is lagging: ${sub.pending} deliveries still pending (limit ${this.#maxPending}); dropping its events until it catches up (${sub.dropped} dropped so far)`,
        { pluginId: sub.owner, operation: `event:${event.type}` },
      ),
      event,
      sub.owner,
    );
  }

  /**
   * Follows an async delivery: publish waits for it, failures are reported, and at the cap the
   * subscriber's next events go to the lag reporter until one of its deliveries settles.
   */
  track(sub: Subscriber, event: PluginEvent, result: Promise<unknown>): Delivery {
    // At the cap, its next events go to the lag reporter until a delivery settles.
    if (++sub.pending >= this.#maxPending && sub.active) sub.run = (next) => this.#lag(sub, next);
    const delivery: Delivery = {
      owner: sub.owner,
      settled: false,
      promise: result.then(
        () => {
          this.#release(sub);
          delivery.settled = true;
        },
        (err: unknown) => {
          this.#release(sub);
          delivery.settled = true;
          this.#report(err, event, sub.owner);
        },
      ),
    };
    return delivery;
  }

  /** One async delivery of `sub` settled: below the cap again, it receives events again. */
  #release(sub: Subscriber): void {
    if (--sub.pending >= this.#maxPending) return;
    sub.lagging = false;
    if (sub.active) sub.run = sub.handler;
  }

  /**
   * Waits for the deliveries of one event, at most the delivery timeout; reports each
   * subscriber still running when it passes.
   */
  async settle(deliveries: Delivery[], event: PluginEvent): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#timeoutMs);
    });
    const all = deliveries.length === 1 ? (deliveries[0] as Delivery).promise : Promise.all(deliveries.map((d) => d.promise));
    const outcome = await Promise.race([all, timeout]);
    clearTimeout(timer);
    if (outcome !== 'timeout') return;
    // Name each subscriber still running: "publish went on without it" is the useful fact.
    for (const d of deliveries) {
      if (d.settled) continue;
      const who = d.owner === undefined ? 'a subscriber' : `subscriber "${d.owner}"`;
      const error = new PluginError(ErrorCodes.TIMEOUT, `${who} did not finish "${event.type}" within ${this.#timeoutMs} ms; publish went on`, {
        pluginId: d.owner,
        operation: `event:${event.type}`,
      });
      this.#report(error, event, d.owner);
    }
  }
}
