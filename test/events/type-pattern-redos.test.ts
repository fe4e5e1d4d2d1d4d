/**
 * A host pattern with several `**` (`chat.**.**.**.done`) against a long event type a plugin
 * publishes: on the engine's backtracking matcher that took 50 s for a 6 KB type; it runs on the
 * linear-time matcher, in both isolation modes, with the same answers, and a neighbour plugin
 * works right after. The `relay` fixture publishes the type in its config on every event it gets.
 */
import { describe, expect, it } from 'vitest';
import { Hooks, PluginManager, type PluginEvent } from '@reedcms/plugins';
import { eventTypeMatches } from '../../src/events/type-pattern.ts';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';

const LONG_TYPE = `chat.${'x.'.repeat(3_000)}y`;
// The longest type a plugin may publish (MAX_EVENT_TYPE_LENGTH, 256 characters): the linear
// matcher still answers for it; the grammar refuses longer ones before any pattern sees them.
const LONGEST_PUBLISHED = `chat.${'x.'.repeat(125)}y`;

describe('event type patterns', () => {
  it('match like the engine on small cases, several ** included', () => {
    const cases: Array<[string, string]> = [
      ['a.**.**.b', 'a.x.y.b'],
      ['a.**.**.b', 'a.x.b'],
      ['a.**.b.**', 'a.q.b.r.s'],
      ['a.*.**.c', 'a.b.c'],
      ['a.*.**.c', 'a.b.d.c'],
      ['**.**', 'x.y'],
      ['**.**', 'x'],
    ];
    for (const [pattern, type] of cases) {
      const source = pattern
        .split('.')
        .map((s) => (s === '**' ? '.+' : s === '*' ? '[^.]+' : s))
        .join('\\.');
      expect(eventTypeMatches(pattern, type), `${pattern} ${type}`).toBe(new RegExp(`^${source}$`).test(type));
    }
    expect(eventTypeMatches('chat.**.**.**.done', LONG_TYPE)).toBe(false);
    expect(eventTypeMatches('chat.**.**.**.y', LONG_TYPE)).toBe(true);
  });

  for (const isolation of ['inline', 'worker'] as const) {
    it(`a plugin's long event type meets a host pattern with several ** without a hang (${isolation})`, async () => {
      // Reading a 6 KB config value through the stock PDK costs more than the default fuel.
      const manager = new PluginManager({ isolation, limits: { fuel: 100_000_000 }, logger: captureLogger(), plugins: { relay: { publish: LONGEST_PUBLISHED } } });
      await manager.load({ manifest: manifestToml('relay', ['Event = "chat.**"']), wasm: await readFixture('relay') });
      await manager.load({ manifest: manifestToml('good', ['Hook = "before_render"']), wasm: await readFixture('echo') });
      const all: PluginEvent[] = [];
      const done: PluginEvent[] = [];
      const ending: PluginEvent[] = [];
      manager.events.subscribe((e) => void all.push(e));
      manager.events.subscribe('chat.**.**.**.done', (e) => void done.push(e));
      manager.events.subscribe('chat.**.**.**.y', (e) => void ending.push(e));
      await manager.events.publish({ type: 'chat.start', data: { hop: 0 } });
      for (let i = 0; i < 200 && !all.some((e) => e.source === 'relay'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(all.filter((e) => e.source === 'relay').map((e) => e.type)).toEqual([LONGEST_PUBLISHED]);
      expect(done).toEqual([]);
      expect(ending.map((e) => e.source)).toEqual(['relay']);
      const page = { title: 'Still fine ✓' };
      await expect(manager.hooks.execute(Hooks.BEFORE_RENDER, page)).resolves.toEqual(page);
      await manager.shutdown();
    });
  }
});
