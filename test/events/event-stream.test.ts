import { describe, it, expect, vi } from 'vitest';
import { EventBus, STREAM_LAGGED, type PluginEvent, type LaggedEvent } from '../../src/events/event-bus.ts';

async function take<T>(iterator: AsyncIterator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    const { value, done } = await iterator.next();
    if (done) break;
    out.push(value);
  }
  return out;
}

describe('EventBus.stream', () => {
  it('yields matching events in order, waiting for new ones', async () => {
    const bus = new EventBus();
    const stream = bus.stream('content.*');
    const received = take(stream, 3);
    await bus.publish({ type: 'content.created', data: 1 });
    await bus.publish({ type: 'system.startup' });
    await bus.publish({ type: 'content.updated', data: 2 });
    await bus.publish({ type: 'content.deleted', data: 3 });
    expect((await received).map((e) => `${e.type}:${String(e.data)}`)).toStrictEqual(['content.created:1', 'content.updated:2', 'content.deleted:3']);
    await stream.return();
  });

  it('for await … break ends the stream and unsubscribes', async () => {
    const bus = new EventBus();
    const before = bus.subscriberCount();
    const stream = bus.stream();
    expect(bus.subscriberCount()).toBe(before + 1);
    void (async () => {
      for (let i = 0; i < 5; i++) await bus.publish({ type: 'tick', data: i });
    })();
    const seen: unknown[] = [];
    for await (const e of stream) {
      seen.push(e.data);
      if (seen.length === 2) break;
    }
    expect(seen).toStrictEqual([0, 1]);
    expect(bus.subscriberCount()).toBe(before);
    expect(stream.open).toBe(false);
    expect(await stream.next()).toStrictEqual({ value: undefined, done: true });
  });

  it('a predicate stream', async () => {
    const bus = new EventBus();
    const stream = bus.stream((e) => e.source === 'seo', { bufferSize: 4 });
    await bus.publish({ type: 'a', source: 'seo' });
    await bus.publish({ type: 'b' });
    expect((await stream.next()).value).toMatchObject({ type: 'a' });
    expect(stream.buffered).toBe(0);
  });

  it('a slow consumer loses the oldest events and gets one stream.lagged notice with the count; memory stays at bufferSize', async () => {
    const bus = new EventBus();
    const stream = bus.stream('n', { bufferSize: 3 });
    for (let i = 0; i < 10; i++) await bus.publish({ type: 'n', data: i });
    expect(stream.buffered).toBe(3);
    expect(stream.dropped).toBe(7);
    const items = await take(stream, 4);
    const notice = items[0] as LaggedEvent;
    expect(notice.type).toBe(STREAM_LAGGED);
    expect(notice.data).toStrictEqual({ dropped: 7 });
    expect(typeof notice.id).toBe('string');
    expect(items.slice(1).map((e) => e.data)).toStrictEqual([7, 8, 9]);
    // caught up: no new notice until it lags again
    await bus.publish({ type: 'n', data: 10 });
    expect((await stream.next()).value).toMatchObject({ data: 10 });
    await stream.return();
  });

  it('holds at most bufferSize events under a flood (default 1024)', async () => {
    const bus = new EventBus();
    const stream = bus.stream();
    for (let i = 0; i < 5_000; i++) bus.dispatch(bus.createEvent({ type: 'flood', data: i }));
    expect(stream.buffered).toBe(1024);
    expect(stream.dropped).toBe(5_000 - 1024);
    await stream.return();
  });

  it('clear() ends streams after their buffered events; pending next() resolves done', async () => {
    const bus = new EventBus();
    const a = bus.stream();
    const b = bus.stream();
    const waiting = b.next();
    await bus.publish({ type: 'x' });
    expect((await waiting).value).toMatchObject({ type: 'x' });
    const waiting2 = b.next();
    await bus.publish({ type: 'y' });
    bus.clear();
    expect((await waiting2).value).toMatchObject({ type: 'y' });
    expect((await a.next()).value).toMatchObject({ type: 'x' });
    expect((await a.next()).value).toMatchObject({ type: 'y' });
    expect((await a.next()).done).toBe(true);
    const c = bus.stream();
    const pending = c.next();
    bus.clear();
    expect((await pending).done).toBe(true);
    expect(bus.subscriberCount()).toBe(0);
  });

  it('an AbortSignal ends the stream', async () => {
    const bus = new EventBus();
    const controller = new AbortController();
    const stream = bus.stream('x', { signal: controller.signal });
    const pending = stream.next();
    controller.abort();
    expect((await pending).done).toBe(true);
    expect(bus.subscriberCount()).toBe(0);
    const early = bus.stream({ signal: AbortSignal.abort() });
    expect((await early.next()).done).toBe(true);
  });

  it('rejects a bad bufferSize', () => {
    expect(() => new EventBus().stream({ bufferSize: 0 })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => new EventBus().stream('x', { bufferSize: 1.5 })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });

  it('a stream never slows publish down (publish does not wait for the consumer)', async () => {
    const bus = new EventBus();
    const stream = bus.stream();
    const result = await Promise.race([bus.publish({ type: 'x' }).then(() => 'published'), new Promise((r) => setTimeout(() => r('stuck'), 100))]);
    expect(result).toBe('published');
    await stream.return();
  });
});

describe('slow async subscribers stay bounded', () => {
  it('a never-resolving subscriber under fire-and-forget publishing: at most maxPendingDeliveries in flight; the lag is reported once', async () => {
    vi.useFakeTimers();
    try {
      const sink = vi.fn();
      const bus = new EventBus({ onSubscriberError: sink, maxPendingDeliveries: 8, deliveryTimeoutMs: 10 });
      const calls = vi.fn(() => new Promise<void>(() => {}));
      const fast = vi.fn();
      bus.subscribeAs('stuck', calls);
      bus.subscribe(fast);
      for (let i = 0; i < 100; i++) void bus.publish({ type: 'x', data: i });
      expect(calls).toHaveBeenCalledTimes(8);
      expect(fast).toHaveBeenCalledTimes(100);
      const lagReports = sink.mock.calls.filter((c) => (c[0] as { code?: string }).code === 'E_LIMIT');
      expect(lagReports).toHaveLength(1);
      expect(lagReports[0]?.[2]).toBe('stuck');
      await vi.advanceTimersByTimeAsync(20);
      // each of the 8 waiting publishes reported the stuck subscriber by name once it gave up waiting
      const timeouts = sink.mock.calls.filter((c) => (c[0] as { code?: string }).code === 'E_TIMEOUT');
      expect(timeouts).toHaveLength(8);
      expect(String((timeouts[0]?.[0] as Error).message)).toContain('"stuck"');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a slow subscriber that catches up receives events again, and a new lag is reported again', async () => {
    const sink = vi.fn();
    const bus = new EventBus({ onSubscriberError: sink, maxPendingDeliveries: 2 });
    const releases: Array<() => void> = [];
    const got: number[] = [];
    bus.subscribe((e: PluginEvent<number>) => {
      got.push(e.data);
      return new Promise<void>((r) => releases.push(r));
    });
    const p = [0, 1, 2, 3].map((i) => bus.publish({ type: 'x', data: i }));
    expect(got).toStrictEqual([0, 1]);
    for (const release of releases.splice(0)) release();
    await Promise.all(p);
    void bus.publish({ type: 'x', data: 4 });
    expect(got).toStrictEqual([0, 1, 4]);
    void bus.publish({ type: 'x', data: 5 });
    void bus.publish({ type: 'x', data: 6 });
    expect(sink.mock.calls.filter((c) => (c[0] as { code?: string }).code === 'E_LIMIT')).toHaveLength(2);
    for (const release of releases.splice(0)) release();
  });
});
