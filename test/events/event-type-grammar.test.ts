/**
 * One grammar for event types wherever they enter: host publish (publish, createEvent,
 * dispatch), subscribe patterns, manifest `Event` capabilities (guest publishes are covered by
 * test/sandbox/event-fanout.slow.test.ts, through real Extism). Control characters, invisible
 * characters and overlong types are refused; every documented type still passes.
 */
import { describe, expect, it } from 'vitest';
import { EventBus, Events, ManifestError, PluginManager, parseManifest } from '@reedcms/plugins';
import { MAX_EVENT_TYPE_LENGTH, eventTypeProblem, quoteEventType } from '../../src/events/event-type-grammar.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';

const BAD_TYPES = [
  'chat.\u0000evil',
  'chat.\u001b[2J',
  'a\nb',
  'a b',
  'chat.\u202eevil', // right-to-left override: reorders what a log shows
  'chat.\u0085', // C1 next line
  'é',
  'a.',
  '.a',
  'a..b',
  'a*',
  'x'.repeat(MAX_EVENT_TYPE_LENGTH + 1),
];

describe('event type grammar', () => {
  it('accepts every predefined type, the longest allowed type and odd-but-valid names', () => {
    for (const type of [...Object.values(Events), 'x'.repeat(MAX_EVENT_TYPE_LENGTH), '__proto__', 'a-b_c.D9']) expect(eventTypeProblem(type)).toBeUndefined();
  });

  it.each(BAD_TYPES.map((t) => [quoteEventType(t), t]))('host publish refuses %s with E_INVALID_ARGUMENT, and nothing is delivered', async (_name, type) => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe((e) => void seen.push(e.type));
    await expect(bus.publish({ type })).rejects.toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => bus.createEvent({ type })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    await expect(bus.dispatch({ id: '1', type, source: 'host', timestamp: '', data: null })).rejects.toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(seen).toEqual([]);
    expect(bus.eventCount()).toBe(0);
  });

  it('quotes a refused type escaped and shortened, never raw', () => {
    expect(eventTypeProblem('chat.\u0000evil')).toContain('"chat.\\u0000evil"');
    const long = eventTypeProblem('y'.repeat(10_000)) as string;
    expect(long).toContain(`"${'y'.repeat(64)}…" (10000 characters)`);
    expect(long.length).toBeLessThan(300);
  });

  it('subscribe refuses patterns with characters no type can have, or overlong ones', () => {
    const bus = new EventBus();
    for (const pattern of ['chat.\u0000*', 'a b.*', 'a\n', 'x'.repeat(MAX_EVENT_TYPE_LENGTH + 1)])
      expect(() => bus.subscribe(pattern, () => {})).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    for (const pattern of ['*', 'content.*', 'content.**', 'a*', '*.b']) expect(() => bus.subscribe(pattern, () => {})).not.toThrow();
  });

  it('a manifest Event capability with a NUL byte or over 256 characters is E_MANIFEST, naming the capability', () => {
    for (const event of ['chat.\\u0000', 'chat.\\u001b*', `chat.${'x'.repeat(MAX_EVENT_TYPE_LENGTH)}`]) {
      const error = (() => {
        try {
          parseManifest(manifestToml('bad', [`Event = "${event}"`]));
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ManifestError);
      expect(error).toMatchObject({ code: 'E_MANIFEST', pluginId: 'bad', issues: [expect.objectContaining({ path: 'capabilities[0]' })] });
    }
    expect(parseManifest(manifestToml('ok', [`Event = "chat.${'x'.repeat(MAX_EVENT_TYPE_LENGTH - 5)}"`])).capabilities).toHaveLength(1);
  });

  it('manager.events.publish refuses a NUL type like the bare bus', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await expect(manager.events.publish({ type: 'content.\u0000created' })).rejects.toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    await manager.shutdown();
  });
});
