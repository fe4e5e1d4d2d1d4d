/**
 * Type tests for typed event maps: `npx tsc -p tsconfig.json` checks them, and every
 * `@ts-expect-error` fails compilation if the typing stops rejecting that misuse.
 */
import { describe, it, expectTypeOf } from 'vitest';
import { EventBus, type LaggedEvent, type PluginEvent } from '../../src/events/event-bus.ts';

interface MyEvents {
  'content.created': { id: number };
  'content.deleted': { id: number; soft: boolean };
  'content.draft.saved': { id: number; draft: string };
  'system.startup': undefined;
}

describe('the default event map', () => {
  it("types the host's own events and leaves every other type open", () => {
    const bus = new EventBus();
    bus.subscribe('plugin.error', (e) => {
      expectTypeOf(e.data.code).toEqualTypeOf<string>();
      expectTypeOf(e.data.pluginId).toEqualTypeOf<string | undefined>();
      // @ts-expect-error: plugin.error data has no such field
      void e.data.nope;
    });
    bus.subscribe('plugin.log', (e) => expectTypeOf(e.data.level).toEqualTypeOf<'trace' | 'debug' | 'info' | 'warn' | 'error'>());
    bus.subscribe('plugin.loaded', (e) => expectTypeOf(e.data.version).toEqualTypeOf<string>());
    bus.subscribe('system.startup', (e) => expectTypeOf(e.data.failed).toEqualTypeOf<string[]>());
    bus.subscribe('content.created', (e) => expectTypeOf(e.data).toBeAny());
    bus.subscribe('content.*', (e) => expectTypeOf(e.data).toBeAny());
  });
});

describe('typed event maps', () => {
  it('publish checks type and data and returns the typed event', async () => {
    const bus = new EventBus<MyEvents>();
    const event = await bus.publish({ type: 'content.created', data: { id: 1 } });
    expectTypeOf(event).toEqualTypeOf<PluginEvent<{ id: number }, 'content.created'>>();
    await bus.publish({ type: 'system.startup' });
    // @ts-expect-error: unknown event type
    void bus.publish({ type: 'content.crated', data: { id: 1 } });
    // @ts-expect-error: wrong data
    void bus.publish({ type: 'content.created', data: { id: '1' } });
  });

  it('subscribe narrows by exact type and by wildcard pattern', () => {
    const bus = new EventBus<MyEvents>();
    bus.subscribe('content.created', (e) => {
      expectTypeOf(e).toEqualTypeOf<PluginEvent<{ id: number }, 'content.created'>>();
    });
    bus.subscribe('content.*', (e) => {
      expectTypeOf(e.type).toEqualTypeOf<'content.created' | 'content.deleted'>();
      if (e.type === 'content.deleted') expectTypeOf(e.data.soft).toEqualTypeOf<boolean>();
    });
    bus.subscribe('content.**', (e) => {
      expectTypeOf(e.type).toEqualTypeOf<'content.created' | 'content.deleted' | 'content.draft.saved'>();
    });
    bus.subscribe('*', (e) => {
      expectTypeOf(e.type).toEqualTypeOf<keyof MyEvents>();
    });
    bus.subscribe((e) => {
      expectTypeOf(e.type).toEqualTypeOf<keyof MyEvents>();
    });
    // a type-guard predicate narrows the handler's event
    bus.subscribe(
      (e): e is PluginEvent<undefined, 'system.startup'> => e.type === 'system.startup',
      (e) => {
        expectTypeOf(e.data).toEqualTypeOf<undefined>();
      },
    );
    // @ts-expect-error: not a declared type and not a pattern
    bus.subscribe('content.updated', () => {});
    // @ts-expect-error: the handler's data type is wrong for this type
    bus.subscribe('content.created', (e: PluginEvent<{ id: string }, 'content.created'>) => void e);
  });

  it('stream yields typed events and the lagged notice', async () => {
    const bus = new EventBus<MyEvents>();
    const stream = bus.stream('content.*', { bufferSize: 8 });
    const { value } = await Promise.race([stream.next(), Promise.resolve({ value: undefined, done: true as const })]);
    expectTypeOf(value).toEqualTypeOf<PluginEvent<{ id: number }, 'content.created'> | PluginEvent<{ id: number; soft: boolean }, 'content.deleted'> | LaggedEvent | undefined>();
    await stream.return();
  });

  it('the untyped bus accepts any type and data', async () => {
    const bus = new EventBus();
    const event = await bus.publish({ type: 'anything.at.all', data: { x: 1 } });
    expectTypeOf(event.type).toEqualTypeOf<'anything.at.all'>();
    bus.subscribe('whatever.*', (e) => {
      expectTypeOf(e.type).toEqualTypeOf<string>();
      expectTypeOf(e.data).toBeAny();
    });
    const typed = bus.typed<MyEvents>();
    // @ts-expect-error: typed view rejects unknown types
    void typed.publish({ type: 'anything.at.all' });
  });
});
