import { afterEach, describe, it, expect, vi } from 'vitest';
import { EventBus, type PluginEvent } from '../../src/events/event-bus.ts';
import { deferred, flush as flushTicks } from '../support/deferred.ts';

/** Lets pending microtasks (and promise chains) run. */
const flush = () => flushTicks(10);

/** Tracks whether a promise has settled yet. */
function track(promise: Promise<unknown>): { settled: () => boolean } {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { settled: () => settled };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('EventBus.publish: the event', () => {
  it('fills a timestamp (ISO-8601 of publication), source "host" by default, and passes data through', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-04T05:06:07.089Z'), toFake: ['Date'] });
    const bus = new EventBus();
    const data = { id: 7, nested: { a: [1, 2] } };
    const event = await bus.publish({ type: 'content.created', data });
    expect(event.type).toBe('content.created');
    expect(event.source).toBe('host');
    expect(event.timestamp).toBe('2026-03-04T05:06:07.089Z');
    expect(event.data).toBe(data);
    expect(typeof event.id).toBe('string');
    expect(event.id.length).toBeGreaterThan(0);
  });

  it('keeps an explicit source', async () => {
    const event = await new EventBus().publish({ type: 'a.b', source: 'seo' });
    expect(event.source).toBe('seo');
    expect(event.data).toBeUndefined();
  });

  it('produces a valid ISO timestamp with real time', async () => {
    const event = await new EventBus().publish({ type: 'a.b' });
    expect(new Date(event.timestamp).toISOString()).toBe(event.timestamp);
  });

  it('gives every event a unique id (also across buses)', async () => {
    const a = new EventBus();
    const b = new EventBus();
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) {
      ids.add((await a.publish({ type: 'x' })).id);
      ids.add(b.createEvent({ type: 'x' }).id);
    }
    expect(ids.size).toBe(400);
  });

  it('delivers the same event object it resolves with', async () => {
    const bus = new EventBus();
    const seen: PluginEvent[] = [];
    bus.subscribe((e) => void seen.push(e));
    const event = await bus.publish({ type: 'x.y', data: 1 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(event);
  });

  it('resolves with no subscribers at all', async () => {
    await expect(new EventBus().publish({ type: 'nobody.listens' })).resolves.toMatchObject({ type: 'nobody.listens' });
  });
});

describe('EventBus.createEvent', () => {
  it.each([
    ['a missing type', {}],
    ['an empty type', { type: '' }],
    ['a non-string type', { type: 5 }],
    ['null', null],
    ['a string', 'content.created'],
  ])('rejects %s with E_INVALID_ARGUMENT', (_label, input) => {
    const bus = new EventBus();
    expect(() => bus.createEvent(input as never)).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });

  it('publish rejects (does not throw synchronously) for a bad type, delivering nothing', async () => {
    const bus = new EventBus();
    const handler = vi.fn();
    bus.subscribe(handler);
    const result = bus.publish({ type: '' });
    await expect(result).rejects.toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(handler).not.toHaveBeenCalled();
  });

  it('builds an event without delivering it; dispatch delivers it', async () => {
    const bus = new EventBus();
    const handler = vi.fn();
    bus.subscribe(handler);
    const event = bus.createEvent({ type: 'a.b', data: 3, source: 'p' });
    expect(handler).not.toHaveBeenCalled();
    expect(event).toMatchObject({ type: 'a.b', data: 3, source: 'p' });
    await bus.dispatch(event);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler.mock.calls[0]?.[0]).toBe(event);
  });
});

describe('EventBus.subscribe: filters', () => {
  const types = ['content.created', 'content.updated', 'content.a.b', 'system.startup', 'content'];

  async function received(filter: Parameters<EventBus['subscribe']>[0] | undefined): Promise<string[]> {
    const bus = new EventBus();
    const got: string[] = [];
    if (filter === undefined) bus.subscribe((e) => void got.push(e.type));
    else bus.subscribe(filter as string, (e) => void got.push(e.type));
    for (const type of types) await bus.publish({ type });
    return got;
  }

  it('with only a handler, receives every event', async () => {
    expect(await received(undefined)).toStrictEqual(types);
  });

  it('with an exact type, receives only that type', async () => {
    expect(await received('content.created')).toStrictEqual(['content.created']);
    expect(await received('content')).toStrictEqual(['content']);
  });

  it('with content.*, receives one-segment children only', async () => {
    expect(await received('content.*')).toStrictEqual(['content.created', 'content.updated']);
  });

  it('with content.**, receives every descendant', async () => {
    expect(await received('content.**')).toStrictEqual(['content.created', 'content.updated', 'content.a.b']);
  });

  it('with "*", receives every event', async () => {
    expect(await received('*')).toStrictEqual(types);
  });

  it('with a predicate, receives the events it accepts', async () => {
    const bus = new EventBus();
    const got: string[] = [];
    bus.subscribe(
      (e) => e.source === 'seo',
      (e) => void got.push(`${e.type}/${e.source}`),
    );
    await bus.publish({ type: 'a', source: 'seo' });
    await bus.publish({ type: 'b' });
    await bus.publish({ type: 'c', source: 'other' });
    await bus.publish({ type: 'd', source: 'seo' });
    expect(got).toStrictEqual(['a/seo', 'd/seo']);
  });

  it('throws E_INVALID_ARGUMENT when the handler is not a function', () => {
    const bus = new EventBus();
    expect(() => bus.subscribe('a.b', 42 as never)).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => bus.subscribe(undefined as never)).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(bus.subscriberCount()).toBe(0);
  });
});

describe('EventBus: unsubscribe, subscriberCount, clear', () => {
  it('stops delivery after unsubscribe, for every kind of subscription', async () => {
    const bus = new EventBus();
    const all = vi.fn();
    const exact = vi.fn();
    const pattern = vi.fn();
    const predicate = vi.fn();
    const offs = [bus.subscribe(all), bus.subscribe('a.b', exact), bus.subscribe('a.*', pattern), bus.subscribe(() => true, predicate)];
    await bus.publish({ type: 'a.b' });
    for (const off of offs) off();
    await bus.publish({ type: 'a.b' });
    for (const fn of [all, exact, pattern, predicate]) expect(fn).toHaveBeenCalledTimes(1);
    expect(bus.subscriberCount()).toBe(0);
  });

  it('unsubscribe is idempotent and only removes its own subscription (same handler subscribed twice)', async () => {
    const bus = new EventBus();
    const handler = vi.fn();
    const off1 = bus.subscribe('x', handler);
    bus.subscribe('x', handler);
    const offAll1 = bus.subscribe(handler);
    bus.subscribe(handler);
    expect(bus.subscriberCount()).toBe(4);
    off1();
    off1();
    offAll1();
    offAll1();
    expect(bus.subscriberCount()).toBe(2);
    await bus.publish({ type: 'x' });
    expect(handler).toHaveBeenCalledTimes(2);
  });

  it('subscriberCount counts every active subscription', () => {
    const bus = new EventBus();
    expect(bus.subscriberCount()).toBe(0);
    const offs = [bus.subscribe(() => {}), bus.subscribe('a', () => {}), bus.subscribe('a', () => {}), bus.subscribe('b.*', () => {})];
    expect(bus.subscriberCount()).toBe(4);
    offs[1]?.();
    expect(bus.subscriberCount()).toBe(3);
  });

  it('clear removes every subscription; old unsubscribe functions stay harmless', async () => {
    const bus = new EventBus();
    const a = vi.fn();
    const off = bus.subscribe('x', a);
    bus.subscribe(a);
    bus.clear();
    expect(bus.subscriberCount()).toBe(0);
    await bus.publish({ type: 'x' });
    expect(a).not.toHaveBeenCalled();
    expect(() => off()).not.toThrow();
    const b = vi.fn();
    bus.subscribe('x', b);
    off();
    await bus.publish({ type: 'x' });
    expect(b).toHaveBeenCalledTimes(1);
  });
});

describe('EventBus: failing subscribers', () => {
  it('a throwing subscriber does not break publish or the others, and is reported with the event', async () => {
    const errors: Array<{ error: unknown; event: PluginEvent; owner: string | undefined }> = [];
    const bus = new EventBus({ onSubscriberError: (error, event, owner) => void errors.push({ error, event, owner }) });
    const before = vi.fn();
    const after = vi.fn();
    const exactAfter = vi.fn();
    const boom = new Error('boom');
    bus.subscribe(before);
    bus.subscribe(() => {
      throw boom;
    });
    bus.subscribe(after);
    bus.subscribe('t.x', exactAfter);
    const event = await bus.publish({ type: 't.x' });
    expect(before).toHaveBeenCalledTimes(1);
    expect(after).toHaveBeenCalledTimes(1);
    expect(exactAfter).toHaveBeenCalledTimes(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toBe(boom);
    expect(errors[0]?.event).toBe(event);
    expect(errors[0]?.owner).toBeUndefined();
  });

  it('a rejecting async subscriber is reported with its owner and does not reject publish', async () => {
    const sink = vi.fn();
    const bus = new EventBus({ onSubscriberError: sink });
    const other = vi.fn(async () => {});
    const reason = new Error('async boom');
    bus.subscribeAs('seo', 'content.*', async () => {
      await Promise.resolve();
      throw reason;
    });
    bus.subscribe(other);
    const event = await bus.publish({ type: 'content.created' });
    expect(other).toHaveBeenCalledTimes(1);
    expect(sink).toHaveBeenCalledTimes(1);
    expect(sink).toHaveBeenCalledWith(reason, event, 'seo');
  });

  it('reports a throwing exact-type subscriber with its owner', async () => {
    const sink = vi.fn();
    const bus = new EventBus({ onSubscriberError: sink });
    bus.subscribeAs('p1', 'only.this', () => {
      throw 'a string';
    });
    const event = await bus.publish({ type: 'only.this' });
    expect(sink).toHaveBeenCalledWith('a string', event, 'p1');
  });

  it('a throwing predicate is reported, its handler skipped, and the others still run', async () => {
    const sink = vi.fn();
    const bus = new EventBus({ onSubscriberError: sink });
    const skipped = vi.fn();
    const other = vi.fn();
    const err = new Error('bad predicate');
    bus.subscribeAs(
      'pred-owner',
      () => {
        throw err;
      },
      skipped,
    );
    bus.subscribe(other);
    const event = await bus.publish({ type: 'a' });
    expect(skipped).not.toHaveBeenCalled();
    expect(other).toHaveBeenCalledTimes(1);
    expect(sink).toHaveBeenCalledWith(err, event, 'pred-owner');
  });

  it('an error sink that itself throws does not break publish', async () => {
    const bus = new EventBus({
      onSubscriberError: () => {
        throw new Error('sink broke');
      },
    });
    const other = vi.fn();
    bus.subscribe(() => {
      throw new Error('x');
    });
    bus.subscribe(async () => {
      throw new Error('y');
    });
    bus.subscribe(other);
    await expect(bus.publish({ type: 'a' })).resolves.toMatchObject({ type: 'a' });
    expect(other).toHaveBeenCalledTimes(1);
  });

  it('without an error sink, failures are swallowed', async () => {
    const bus = new EventBus();
    bus.subscribe(() => {
      throw new Error('x');
    });
    bus.subscribe(async () => Promise.reject(new Error('y')));
    await expect(bus.publish({ type: 'a' })).resolves.toBeDefined();
  });
});

describe('EventBus: async delivery', () => {
  it('publish waits for async subscribers', async () => {
    const bus = new EventBus();
    const gate1 = deferred();
    const gate2 = deferred();
    const finished: string[] = [];
    bus.subscribe(async () => {
      await gate1.promise;
      finished.push('one');
    });
    bus.subscribe('a.*', async () => {
      await gate2.promise;
      finished.push('two');
    });
    const publishing = bus.publish({ type: 'a.b' });
    const state = track(publishing);
    await flush();
    expect(state.settled()).toBe(false);
    gate2.resolve();
    await flush();
    expect(state.settled()).toBe(false);
    gate1.resolve();
    await publishing;
    expect(finished.sort()).toStrictEqual(['one', 'two']);
  });

  it('does not hang on a never-resolving subscriber: resolves after deliveryTimeoutMs and reports the timeout (fake timers)', async () => {
    vi.useFakeTimers();
    const sink = vi.fn();
    const bus = new EventBus({ deliveryTimeoutMs: 50, onSubscriberError: sink });
    const other = vi.fn();
    bus.subscribe(() => new Promise<void>(() => {}));
    bus.subscribe(other);
    const publishing = bus.publish({ type: 'slow.event' });
    const state = track(publishing);
    await vi.advanceTimersByTimeAsync(49);
    expect(state.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const event = await publishing;
    expect(other).toHaveBeenCalledTimes(1);
    expect(sink).toHaveBeenCalledTimes(1);
    const [error, reportedEvent] = sink.mock.calls[0] as [unknown, PluginEvent];
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/50 ms/);
    expect(reportedEvent).toBe(event);
  });

  it('does not hang on a never-resolving subscriber (real short timer)', async () => {
    const sink = vi.fn();
    const bus = new EventBus({ deliveryTimeoutMs: 20, onSubscriberError: sink });
    bus.subscribeAs('stuck', () => new Promise<void>(() => {}));
    const event = await bus.publish({ type: 'x' });
    expect(sink).toHaveBeenCalledTimes(1);
    expect(sink.mock.calls[0]?.[1]).toBe(event);
  });

  it('does not report a timeout when async subscribers finish in time, and leaves no timer behind', async () => {
    vi.useFakeTimers();
    const sink = vi.fn();
    const bus = new EventBus({ deliveryTimeoutMs: 50, onSubscriberError: sink });
    bus.subscribe(() => new Promise<void>((resolve) => setTimeout(resolve, 10)));
    const publishing = bus.publish({ type: 'x' });
    await vi.advanceTimersByTimeAsync(10);
    await publishing;
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(sink).not.toHaveBeenCalled();
  });

  it('uses a 5 s delivery timeout by default', async () => {
    vi.useFakeTimers();
    const sink = vi.fn();
    const bus = new EventBus({ onSubscriberError: sink });
    bus.subscribe(() => new Promise<void>(() => {}));
    const state = track(bus.publish({ type: 'x' }));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(state.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.settled()).toBe(true);
    expect(sink).toHaveBeenCalledTimes(1);
  });
});

describe('EventBus: nested publish', () => {
  it('a subscriber may publish and await another event', async () => {
    const bus = new EventBus();
    const log: string[] = [];
    bus.subscribe('outer', async (e) => {
      log.push('outer:start');
      const inner = await bus.publish({ type: 'inner', data: e.id });
      log.push(`outer:end:${inner.type}`);
    });
    bus.subscribe('inner', async () => {
      await flush();
      log.push('inner');
    });
    await bus.publish({ type: 'outer' });
    expect(log).toStrictEqual(['outer:start', 'inner', 'outer:end:inner']);
  });

  it("a nested publish in the middle of delivery does not lose the outer publish's pending subscribers", async () => {
    const bus = new EventBus();
    const gateBefore = deferred();
    const gateAfter = deferred();
    const innerSeen = vi.fn();
    bus.subscribe('outer', () => gateBefore.promise);
    bus.subscribe('outer', () => {
      void bus.publish({ type: 'inner' });
    });
    bus.subscribe('outer', () => gateAfter.promise);
    bus.subscribe('inner', innerSeen);
    const publishing = bus.publish({ type: 'outer' });
    const state = track(publishing);
    await flush();
    expect(innerSeen).toHaveBeenCalledTimes(1);
    gateBefore.resolve();
    await flush();
    expect(state.settled()).toBe(false);
    gateAfter.resolve();
    await flush();
    expect(state.settled()).toBe(true);
  });

  it('a synchronous nested publish is delivered before the outer publish resolves', async () => {
    const bus = new EventBus();
    const order: string[] = [];
    bus.subscribe('a', () => {
      order.push('a');
      void bus.publish({ type: 'b' });
      order.push('a:after');
    });
    bus.subscribe('b', () => void order.push('b'));
    await bus.publish({ type: 'a' });
    expect(order).toStrictEqual(['a', 'b', 'a:after']);
  });
});

describe('EventBus: odd event types', () => {
  // Fixed: createEvent now refuses any type containing "*" (the wildcard) with E_INVALID_ARGUMENT; this
  // test used to be it.fails against the mitt-based bus.
  it('publishing the type "*" either is refused up front or reaches each subscriber exactly once', async () => {
    const bus = new EventBus();
    const handler = vi.fn();
    bus.subscribe(handler);
    let refused = false;
    try {
      bus.createEvent({ type: '*' });
    } catch (err) {
      refused = (err as { code?: unknown }).code === 'E_INVALID_ARGUMENT';
    }
    if (refused) {
      await expect(bus.publish({ type: '*' })).rejects.toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
      expect(handler).not.toHaveBeenCalled();
    } else {
      await expect(bus.publish({ type: '*' })).resolves.toMatchObject({ type: '*' });
      expect(handler).toHaveBeenCalledTimes(1);
    }
  });

  it('delivers types that look like object keys', async () => {
    const bus = new EventBus();
    const handler = vi.fn();
    bus.subscribe('__proto__', handler);
    bus.subscribe('constructor', handler);
    await bus.publish({ type: '__proto__' });
    await bus.publish({ type: 'constructor' });
    await bus.publish({ type: 'toString' });
    expect(handler).toHaveBeenCalledTimes(2);
  });
});
