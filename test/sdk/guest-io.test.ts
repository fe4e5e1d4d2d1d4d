/**
 * Input, Output, Config, fail, the abort handler, Log and Events of the AssemblyScript SDK,
 * run through real Extism with the `sdk-probe`, `echo`, `logger` and `publisher` fixtures.
 */
import { describe, expect, it } from 'vitest';
import { STOCK_IO_FUNCTIONS } from '@reedcms/plugins/extism';
import { readFixture } from '../support/fixtures.ts';
import { callText, loadGuest } from './extism-harness.ts';

describe('Input and Output', () => {
  it('echoes bytes exactly for every length around the 8-byte copy chunks', async () => {
    const { plugin } = await loadGuest(await readFixture('echo'));
    for (let len = 0; len <= 33; len++) {
      const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 37 + len) & 0xff);
      const out = await plugin.call('hook_transform_data', bytes);
      expect(out?.bytes() ?? new Uint8Array(0)).toEqual(bytes);
    }
  });

  it('Output.string writes the UTF-8 byte length, not the UTF-16 length', async () => {
    const { plugin } = await loadGuest(await readFixture('sdk-probe'));
    for (const text of ['ascii', 'é', '→ ✓ 日本語 😀', '😀'.repeat(100)]) {
      const out = await plugin.call('output_string', text);
      const expected = new TextEncoder().encode(text);
      expect(out!.bytes().length).toBe(expected.length);
      expect(out!.text()).toBe(text);
    }
  });

  it('imports nothing but Extism kernel functions, reed_publish_event and the fast I/O functions a plain host can stub', async () => {
    const names = ['echo', 'sdk-probe', 'logger', 'publisher', 'counter', 'unicode', 'bad-json', 'fail-init', 'trap-init'];
    for (const name of names) {
      const imports = WebAssembly.Module.imports(new WebAssembly.Module(await readFixture(name)));
      for (const i of imports) {
        const allowed = i.module === 'extism:host/env' || (i.module === 'extism:host/user' && (i.name === 'reed_publish_event' || Object.hasOwn(STOCK_IO_FUNCTIONS, i.name)));
        expect(allowed, `${name} imports ${i.module}.${i.name}`).toBe(true);
      }
    }
  });
});

describe('Config', () => {
  const config = { base_url: 'https://example.com', words_per_minute: 250, flags: { a: [1, 'x'] }, name: 'Grüße' };

  it('get returns strings as is and other values as JSON text, null when unset', async () => {
    const { plugin } = await loadGuest(await readFixture('sdk-probe'), { config });
    const get = async (key: string) => JSON.parse(await callText(plugin, 'config_get', key)) as { value: string | null };
    expect(await get('base_url')).toEqual({ value: 'https://example.com' });
    expect(await get('words_per_minute')).toEqual({ value: '250' });
    expect(JSON.parse((await get('flags')).value!)).toEqual({ a: [1, 'x'] });
    expect(await get('name')).toEqual({ value: 'Grüße' });
    expect(await get('missing')).toEqual({ value: null });
  });

  it('json returns the whole config, or {} when the host set none', async () => {
    const withConfig = await loadGuest(await readFixture('sdk-probe'), { config });
    expect(JSON.parse(await callText(withConfig.plugin, 'config_json'))).toEqual(config);
    const without = await loadGuest(await readFixture('sdk-probe'));
    expect(JSON.parse(await callText(without.plugin, 'config_json'))).toEqual({});
  });
});

describe('errors', () => {
  it('fail(message) makes the call reject with that message', async () => {
    const { plugin } = await loadGuest(await readFixture('sdk-probe'));
    await expect(plugin.call('fail_with', 'title is required → ✗')).rejects.toThrow('title is required → ✗');
    // The instance stays usable.
    expect(await callText(plugin, 'output_string', 'ok')).toBe('ok');
  });

  it('an abort traps and logs "abort: <message> at <file>:<line>:<col>" at error level', async () => {
    const guest = await loadGuest(await readFixture('sdk-probe'));
    await expect(guest.plugin.call('abort_with', 'bad state 42')).rejects.toThrow(/unreachable/);
    const line = guest.logs.find((l) => l.level === 'error' && l.message.startsWith('abort: '));
    expect(line?.message).toMatch(/^abort: bad state 42 at test\/fixtures\/as\/assembly\/sdk-probe\.ts:\d+:\d+$/);
  });

  it('fail-init rejects initialize with "init refused"; trap-init traps', async () => {
    const failInit = await loadGuest(await readFixture('fail-init'));
    await expect(failInit.plugin.call('initialize', '{}')).rejects.toThrow('init refused');
    const trapInit = await loadGuest(await readFixture('trap-init'));
    await expect(trapInit.plugin.call('initialize', '{}')).rejects.toThrow(/unreachable/);
  });
});

describe('Log', () => {
  it('logs one line per level through the Extism logger', async () => {
    const guest = await loadGuest(await readFixture('logger'));
    const out = await guest.plugin.call('hook_transform_data', 'héllo');
    expect(out!.text()).toBe('héllo');
    expect(guest.logs).toEqual([
      { level: 'debug', message: 'debug: héllo' },
      { level: 'info', message: 'info: héllo' },
      { level: 'warn', message: 'warn: héllo' },
      { level: 'error', message: 'error: héllo' },
    ]);
  });

  it('respects the host log level', async () => {
    const guest = await loadGuest(await readFixture('logger'), { logLevel: 'warn' });
    await guest.plugin.call('hook_transform_data', 'x');
    expect(guest.logs.map((l) => l.level)).toEqual(['warn', 'error']);
  });
});

describe('Events.publish', () => {
  it('sends {"type","data"} to reed_publish_event and reports acceptance', async () => {
    const guest = await loadGuest(await readFixture('sdk-probe'));
    const data = { id: 7, title: 'Grüße 😀', tags: ['a'] };
    const out = await callText(guest.plugin, 'publish', JSON.stringify({ type: 'content.updated', data }));
    expect(JSON.parse(out)).toEqual({ published: true });
    expect(guest.published).toHaveLength(1);
    expect(JSON.parse(guest.published[0]!)).toEqual({ type: 'content.updated', data });
  });

  it('returns false when the host refuses', async () => {
    const guest = await loadGuest(await readFixture('sdk-probe'), { onPublish: () => 3 });
    const out = await callText(guest.plugin, 'publish', JSON.stringify({ type: 'x.y', data: null }));
    expect(JSON.parse(out)).toEqual({ published: false });
    expect(JSON.parse(guest.published[0]!)).toEqual({ type: 'x.y', data: null });
  });

  it('does not send invalid data JSON; it logs an error and returns false', async () => {
    const guest = await loadGuest(await readFixture('sdk-probe'));
    const out = await callText(guest.plugin, 'publish_raw', 'x.y\n{not json');
    expect(JSON.parse(out)).toEqual({ published: false });
    expect(guest.published).toEqual([]);
    expect(guest.logs.some((l) => l.level === 'error' && l.message.includes('data is not JSON'))).toBe(true);
  });

  it('escapes the event type', async () => {
    const guest = await loadGuest(await readFixture('sdk-probe'));
    await callText(guest.plugin, 'publish_raw', 'we"ird\\type\n[1,2]');
    expect(JSON.parse(guest.published[0]!)).toEqual({ type: 'we"ird\\type', data: [1, 2] });
  });
});
