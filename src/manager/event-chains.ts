/**
 * Bounds the work one external trigger can cause through plugins answering each other's events.
 * A chain starts at a trigger (an event the host published, or a direct host call of a plugin:
 * a hook handler, a command, `initialize`) and holds every event plugins publish downstream of
 * it, directly or transitively, and every `on_event` call those events (and the trigger's own
 * event) cause. Each chain has a budget of depth, events and calls: depth alone let two plugins
 * that each answer with 4 events make 43,692 calls from one hook call.
 *
 * A chain's accepted events wait in one queue per publisher and are delivered round-robin, a
 * few per macrotask, so a chatty plugin cannot crowd the others out of the chain's deliveries
 * and no chain holds the event loop for long; a turn starts when the previous one's subscribers
 * are done. Memory stays bounded: a chain queues at most `maxEventsPerChain` events and has one
 * turn of plugin calls in flight (one more per delivery timeout a stuck subscriber outlasts).
 * The first refusal in a chain is reported as one `plugin.denied`; the rest are silent.
 */
import { ErrorCodes, PluginError, describeError } from '../errors.ts';
import type { PluginEvent } from '../events/event-bus.ts';
import type { DeniedEventData } from '../events/guest-events.ts';
import { DEFAULT_CHAIN_LIMITS, type EventChainLimits } from '../plugin/limits.ts';
import type { ChainKey } from '../plugin/types.ts';
import type { ReportTargets } from './manager-errors.ts';

/** Events one chain delivers per macrotask before it yields to timers and I/O. */
const EVENTS_PER_TURN = 16;

interface Pending {
  readonly type: string;
  readonly data: unknown;
  readonly source: string;
  readonly depth: number;
  /** The publishing call (`<pluginId>#<n>`). */
  readonly call: string | undefined;
}

interface Chain {
  /** What started it, for messages. */
  readonly origin: string;
  events: number;
  calls: number;
  /** Its one `plugin.denied` has been sent. */
  cut: boolean;
  /** Accepted events not yet delivered, per publisher; the first key is the next to deliver. */
  readonly queues: Map<string, Pending[]>;
  queued: number;
  scheduled: boolean;
}

/** An event's (or a call token's) place in its chain. */
interface Link {
  readonly chain: Chain;
  /** Plugin-published events that led to it (0: the trigger). */
  readonly depth: number;
}

/**
 * The chain limits with defaults filled in; a limit that is not a positive integer is a TypeError
 * (as `maxPendingDeliveries` is).
 */
export function resolveChainLimits(limits: EventChainLimits = {}): Required<EventChainLimits> {
  const resolved = { ...DEFAULT_CHAIN_LIMITS };
  for (const name of Object.keys(DEFAULT_CHAIN_LIMITS) as Array<keyof EventChainLimits>) {
    const value = limits[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) throw new PluginError(ErrorCodes.INVALID_ARGUMENT, `limits.${name} must be a positive integer, got ${String(value)}`);
    resolved[name] = value;
  }
  return resolved;
}

/** The chains of one manager. */
export class EventChains {
  readonly #limits: Required<EventChainLimits>;
  readonly #out: ReportTargets;
  readonly #denied: (data: DeniedEventData) => void;
  readonly #links = new WeakMap<object, Link>();

  constructor(limits: Required<EventChainLimits>, out: ReportTargets, denied: (data: DeniedEventData) => void) {
    this.#limits = limits;
    this.#out = out;
    this.#denied = denied;
  }

  /**
   * A plugin publishes `type` in answer to `cause`: queued for delivery (true), or refused
   * (false) when it would pass its chain's depth or event budget.
   */
  publish(pluginId: string, type: string, data: unknown, cause: ChainKey, call?: string): boolean {
    const { chain, depth: causeDepth } = this.#linkOf(cause);
    const depth = causeDepth + 1;
    const { maxEventChainDepth, maxEventsPerChain } = this.#limits;
    if (depth > maxEventChainDepth) {
      return this.#cut(chain, pluginId, type, 'maxEventChainDepth', `publishing "${type}" was refused: an event chain of ${depth} plugin-published events (the limit is ${maxEventChainDepth})`);
    }
    if (chain.events >= maxEventsPerChain) {
      return this.#cut(
        chain,
        pluginId,
        type,
        'maxEventsPerChain',
        `publishing "${type}" was refused: ${chain.origin} has led to ${chain.events} plugin-published events (maxEventsPerChain); the rest of its chain is refused`,
      );
    }
    chain.events++;
    const queue = chain.queues.get(pluginId);
    const pending: Pending = { type, data, source: pluginId, depth, call };
    if (queue === undefined) chain.queues.set(pluginId, [pending]);
    else queue.push(pending);
    chain.queued++;
    this.#schedule(chain);
    return true;
  }

  /**
   * May `pluginId`'s `on_event` be called with `event`? Counts the call against the event's
   * chain (an event the host published starts one).
   */
  admitCall(event: PluginEvent, pluginId: string): boolean {
    const { chain } = this.#linkOf(event);
    if (chain.calls < this.#limits.maxCallsPerChain) {
      chain.calls++;
      return true;
    }
    // Blame the plugin whose event could not go on (the host's own event: the receiver).
    const blamed = this.#links.get(event)?.depth === 0 ? pluginId : event.source;
    return this.#cut(
      chain,
      blamed,
      event.type,
      'maxCallsPerChain',
      `delivering "${event.type}" from ${event.source} to ${pluginId} was refused: ${chain.origin} has led to ${chain.calls} plugin on_event calls (maxCallsPerChain); the rest of its chain is not delivered to plugins`,
    );
  }

  #linkOf(key: ChainKey): Link {
    let link = this.#links.get(key);
    if (link === undefined) {
      const origin = 'call' in key ? key.call : `the host's "${key.type}" event`;
      link = { chain: { origin, events: 0, calls: 0, cut: false, queues: new Map(), queued: 0, scheduled: false }, depth: 0 };
      this.#links.set(key, link);
    }
    return link;
  }

  /** Refuses; the chain's first refusal is reported. Returns false (refused). */
  #cut(chain: Chain, pluginId: string, type: string, limit: keyof EventChainLimits, reason: string): false {
    if (chain.cut) return false;
    chain.cut = true;
    this.#denied({ pluginId, what: 'event', reason, type, limit });
    return false;
  }

  #schedule(chain: Chain): void {
    if (chain.scheduled) return;
    chain.scheduled = true;
    // Host functions are synchronous: deliver after the guest call, on a macrotask.
    setTimeout(() => this.#drain(chain), 0);
  }

  /** One turn: up to EVENTS_PER_TURN of the events queued now, one publisher after another. */
  #drain(chain: Chain): void {
    chain.scheduled = false;
    if (this.#out.isClosed()) {
      chain.queues.clear();
      chain.queued = 0;
      return;
    }
    // Counted now: events published during this turn's deliveries wait for a later turn, so a
    // turn's work is bounded (and each publisher's events go oldest first).
    const delivering: Array<Promise<void>> = [];
    for (let n = Math.min(EVENTS_PER_TURN, chain.queued); n > 0; n--) {
      const [publisher, queue] = chain.queues.entries().next().value as [string, Pending[]];
      const pending = queue.shift() as Pending;
      // To the back of the line: the next event comes from the next publisher.
      chain.queues.delete(publisher);
      if (queue.length > 0) chain.queues.set(publisher, queue);
      chain.queued--;
      delivering.push(this.#deliver(chain, pending));
    }
    // The next turn waits for this one's subscribers (at most the bus's delivery timeout), so
    // a chain has at most one turn of plugin calls in flight: backpressure, not a backlog.
    chain.scheduled = true;
    void Promise.all(delivering).then(() => {
      chain.scheduled = false;
      if (chain.queued > 0) this.#schedule(chain);
    });
  }

  /** Dispatches one event; resolves when its subscribers are done (never rejects). */
  #deliver(chain: Chain, pending: Pending): Promise<void> {
    const failed = (err: unknown) => this.#out.logger.error(`[${pending.source}] publish failed: ${describeError(err)}`);
    let event: PluginEvent;
    try {
      event = this.#out.events.createEvent({ type: pending.type, data: pending.data, source: pending.source });
      if (pending.call !== undefined) event.call = pending.call;
    } catch (err) {
      failed(err);
      return Promise.resolve();
    }
    this.#links.set(event, { chain, depth: pending.depth });
    return this.#out.events.dispatch(event).catch(failed);
  }
}
