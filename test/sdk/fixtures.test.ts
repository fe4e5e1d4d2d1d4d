/**
 * The AssemblyScript fixtures the host core's tests rely on behave exactly as their headers say.
 */
import { describe, expect, it } from 'vitest';
import { readFixture } from '../support/fixtures.ts';
import { callText, loadGuest } from './extism-harness.ts';

describe('fixtures', () => {
  it('echo: hooks, initialize and handle_command echo; on_event logs the type', async () => {
    const guest = await loadGuest(await readFixture('echo'));
    for (const name of ['initialize', 'hook_before_render', 'hook_after_render', 'hook_transform_data']) {
      expect(await callText(guest.plugin, name, '{"x":"é"}')).toBe('{"x":"é"}');
    }
    const command = JSON.stringify({ command: 'reindex', args: { all: true } });
    expect(await callText(guest.plugin, 'handle_command', command)).toBe(command);
    expect(await guest.plugin.call('on_event', JSON.stringify({ type: 'content.created', data: {} }))).toBeNull();
    expect(guest.logs).toContainEqual({ level: 'info', message: 'event: content.created' });
    expect(guest.published).toEqual([]);
  });

  it('bad-json: outputs "{not json"', async () => {
    const { plugin } = await loadGuest(await readFixture('bad-json'));
    expect(await callText(plugin, 'hook_transform_data', '{}')).toBe('{not json');
  });

  it('publisher: publishes content.updated {"from":"publisher"} and outputs nothing', async () => {
    const guest = await loadGuest(await readFixture('publisher'));
    expect(await guest.plugin.call('hook_after_save', '{"id":1}')).toBeNull();
    expect(guest.published.map((p) => JSON.parse(p))).toEqual([{ type: 'content.updated', data: { from: 'publisher' } }]);
    const refused = await loadGuest(await readFixture('publisher'), { onPublish: () => 1 });
    await refused.plugin.call('hook_after_save', '{}');
    expect(refused.logs).toContainEqual({ level: 'warn', message: 'publish refused' });
  });

  it('counter: counts calls per instance and wraps the input', async () => {
    const a = await loadGuest(await readFixture('counter'));
    const b = await loadGuest(await readFixture('counter'));
    expect(JSON.parse(await callText(a.plugin, 'hook_transform_data', '{"k":[1]}'))).toEqual({ count: 1, input: { k: [1] } });
    expect(JSON.parse(await callText(a.plugin, 'hook_transform_data', '"s"'))).toEqual({ count: 2, input: 's' });
    expect(JSON.parse(await callText(b.plugin, 'hook_transform_data', 'null'))).toEqual({ count: 1, input: null });
    await expect(a.plugin.call('hook_transform_data', 'nope')).rejects.toThrow(/counter: input is not JSON/);
    expect(JSON.parse(await callText(a.plugin, 'hook_transform_data', '0')).count).toBe(4);
  });

  it('unicode: appends "→ ✓ 日本語 😀" to text', async () => {
    const { plugin } = await loadGuest(await readFixture('unicode'));
    const out = await plugin.call('hook_transform_data', JSON.stringify({ text: 'Grüße ' }));
    const expected = JSON.stringify({ text: 'Grüße → ✓ 日本語 😀' });
    expect(out!.text()).toBe(expected);
    expect(out!.bytes().length).toBe(new TextEncoder().encode(expected).length);
  });

  it('instances survive many calls (incremental runtime, no leaks that break)', async () => {
    const { plugin } = await loadGuest(await readFixture('counter'));
    const big = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ i, s: 'x'.repeat(20) })) });
    let last = '';
    for (let i = 0; i < 300; i++) last = await callText(plugin, 'hook_transform_data', big);
    expect(JSON.parse(last).count).toBe(300);
  });
});
