import { describe, it, expect, vi } from 'vitest';
import { EventBus } from '../../src/events/event-bus.ts';

describe('EventBus: delivery order and ids', () => {
  it("delivers exact-type subscribers first (mitt's per-type list), then patterns, predicates and catch-alls, each in subscription order", async () => {
    const bus = new EventBus();
    const order: string[] = [];
    bus.subscribe(() => void order.push('all-1'));
    bus.subscribe('a.b', () => void order.push('exact-2'));
    bus.subscribe('a.*', () => void order.push('pattern-3'));
    bus.subscribe(
      () => true,
      () => void order.push('predicate-4'),
    );
    bus.subscribe('a.b', () => void order.push('exact-5'));
    await bus.publish({ type: 'a.b' });
    expect(order).toStrictEqual(['exact-2', 'exact-5', 'all-1', 'pattern-3', 'predicate-4']);
  });

  it('a subscriber unsubscribed by an earlier one during the same publish is not called', async () => {
    const bus = new EventBus();
    const second = vi.fn();
    let off = () => {};
    bus.subscribe('x', () => off());
    off = bus.subscribe('x', second);
    await bus.publish({ type: 'x' });
    expect(second).not.toHaveBeenCalled();
  });

  it('a subscriber added during a publish to the list being delivered gets the next event, not this one (one or several subscribers, exact or pattern)', async () => {
    for (const [filter, others] of [
      ['x', 0],
      ['x', 2],
      ['*', 0],
      ['*', 2],
    ] as const) {
      const bus = new EventBus();
      const late = vi.fn();
      let added = false;
      bus.subscribe(filter, () => {
        if (added) return;
        added = true;
        bus.subscribe(filter, late);
      });
      for (let i = 0; i < others; i++) bus.subscribe(filter, () => {});
      await bus.publish({ type: 'x' });
      expect(late).not.toHaveBeenCalled();
      await bus.publish({ type: 'x' });
      expect(late).toHaveBeenCalledTimes(1);
    }
  });

  it('dispatch refuses an event whose type publish would refuse', async () => {
    const bus = new EventBus();
    const all = vi.fn();
    bus.subscribe(all);
    await expect(bus.dispatch({ ...bus.createEvent({ type: 'a.b' }), type: '*' })).rejects.toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    await expect(bus.dispatch({ ...bus.createEvent({ type: 'a.b' }), type: '' })).rejects.toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(all).not.toHaveBeenCalled();
    await bus.dispatch(bus.createEvent({ type: 'a.b' }));
    expect(all).toHaveBeenCalledTimes(1);
  });

  it('a subscriber that unsubscribes itself during a publish does not stop the ones after it', async () => {
    const bus = new EventBus();
    const seen: string[] = [];
    const off = bus.subscribe('x', () => {
      seen.push('first');
      off();
    });
    bus.subscribe('x', () => void seen.push('second'));
    bus.subscribe('*', () => void seen.push('pattern'));
    await bus.publish({ type: 'x' });
    await bus.publish({ type: 'x' });
    expect(seen).toStrictEqual(['first', 'second', 'pattern', 'second', 'pattern']);
  });

  it('ids are unique strings with a per-process random prefix and a counter', async () => {
    const bus = new EventBus();
    const ids = Array.from({ length: 1000 }, () => bus.createEvent({ type: 'x' }).id);
    expect(new Set(ids).size).toBe(1000);
    expect(ids[0]).toMatch(/^[0-9a-f]{16}-[0-9]+-[0-9]+$/);
    expect(bus.eventCount()).toBe(1000);
  });

  it('refuses event types containing "*"', async () => {
    const bus = new EventBus();
    expect(() => bus.createEvent({ type: 'content.*' })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    await expect(bus.publish({ type: '*' })).rejects.toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });

  it('rejects an empty pattern and a non-function non-string filter', () => {
    const bus = new EventBus();
    expect(() => bus.subscribe('', () => {})).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => bus.subscribe(42 as never, () => {})).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });

  it('a subscriber that throws, rejects, or never resolves: publish goes on and each is reported with its owner', async () => {
    const sink = vi.fn();
    const bus = new EventBus({ onSubscriberError: sink, deliveryTimeoutMs: 20 });
    const ok = vi.fn();
    bus.subscribeAs('thrower', () => {
      throw new Error('t');
    });
    bus.subscribeAs('rejecter', async () => Promise.reject(new Error('r')));
    bus.subscribeAs('hanger', () => new Promise<void>(() => {}));
    bus.subscribe(ok);
    await bus.publish({ type: 'x' });
    expect(ok).toHaveBeenCalledTimes(1);
    expect(sink.mock.calls.map((c) => c[2]).sort()).toStrictEqual(['hanger', 'rejecter', 'thrower']);
    const hang = sink.mock.calls.find((c) => c[2] === 'hanger')?.[0] as { code: string; pluginId: string };
    expect(hang).toMatchObject({ code: 'E_TIMEOUT', pluginId: 'hanger' });
  });
});

describe('EventBus: subscribers returning odd thenables', () => {
  it('a thenable whose `then` throws, or calls back synchronously, is isolated like any subscriber', async () => {
    const sink = vi.fn();
    const bus = new EventBus({ onSubscriberError: sink, deliveryTimeoutMs: 20 });
    const after = vi.fn();
    const boom = new Error('then broke');
    const throwingThen = {
      then: () => {
        throw boom;
      },
    };
    const throwing = vi.fn(() => throwingThen as never);
    const syncCallback = vi.fn(() => ({ then: (ok: () => void) => ok() }) as never);
    bus.subscribeAs('throwing-then', throwing);
    bus.subscribeAs('sync-then', syncCallback);
    bus.subscribe(after);
    const event = await bus.publish({ type: 'odd' });
    expect(after).toHaveBeenCalledTimes(1);
    expect(sink).toHaveBeenCalledTimes(1);
    expect(sink).toHaveBeenCalledWith(boom, event, 'throwing-then');
    // Their deliveries settled (no timeout report), and later events still reach them.
    await bus.publish({ type: 'odd' });
    for (const fn of [throwing, syncCallback, after]) expect(fn).toHaveBeenCalledTimes(2);
    expect(sink).toHaveBeenCalledTimes(2);
  });
});
