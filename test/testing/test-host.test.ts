/**
 * `@reedcms/plugins/testing`: one plugin on the real manager, each call's output, logs, events,
 * requests and refusals collected; mock HTTP answers only what the manifest's network policy
 * lets through.
 */
import { describe, expect, it } from 'vitest';
import { createTestHost } from '../../src/testing/node.ts';
import { examplePluginDir, readFixture } from '../support/fixtures.ts';
import { manifestToml } from '../support/wat-plugins.ts';

describe('createTestHost', () => {
  it('runs a hook of a plugin folder with its config and reports logs and fuel', async () => {
    const host = await createTestHost({ dir: examplePluginDir('reading-time'), config: { words_per_minute: 2 } });
    try {
      const r = await host.run('before_render', { path: '/', title: 'T', body: 'one two three four five', meta: {} });
      expect(r.error).toBeUndefined();
      expect(r.output).toMatchObject({ meta: { wordCount: 5, readingTime: 3 } });
      expect(r.fuel).toBeGreaterThan(0);
      expect(r.fuelBudget).toBe(20_000_000);
      expect(r.memory.bytes).toBeGreaterThan(0);
      expect(r.memory.peak).toBeGreaterThanOrEqual(r.memory.bytes);
      expect(r.memory.cap).toBe(64 * 1024 * 1024);
      const bad = await host.run('before_render', 'not an object');
      expect(bad.error).toMatchObject({ code: 'E_GUEST', pluginId: 'reading-time' });
      expect(bad.output).toBeUndefined();
    } finally {
      await host.close();
    }
  });

  it('answers HTTP from mocks behind the real policy: allowed hosts mocked, others denied with a reason', async () => {
    const manifest = manifestToml('fetcher', ['Command = "fetch"'], '[network]\nallowed_hosts = ["https://api.example.com"]');
    const host = await createTestHost({ manifest, wasm: await readFixture('http-client'), http: { 'https://api.example.com/v1/tags': { json: ['a', 'b'] } } });
    try {
      const r = await host.command('fetch', { requests: [{ url: 'https://api.example.com/v1/tags' }, { url: 'https://api.example.com/v1/none' }, { url: 'https://evil.example.net/steal' }] });
      expect(r.error).toBeUndefined();
      const results = (r.output as { results: { status: number; body: string }[] }).results;
      expect(results.map((x) => x.status)).toEqual([200, 404, expect.any(Number)]);
      expect(JSON.parse(results[0]!.body)).toEqual(['a', 'b']);
      expect(r.requests).toEqual([
        { method: 'GET', url: 'https://api.example.com/v1/tags', status: 200, mocked: true },
        { method: 'GET', url: 'https://api.example.com/v1/none', status: 404, mocked: false },
      ]);
      expect(r.denied).toEqual([expect.objectContaining({ what: 'http', url: 'https://evil.example.net/steal', reason: expect.stringContaining('allowed_hosts') })]);
      expect(r.logs.map((l) => l.message)).toContain('http GET https://api.example.com/v1/tags -> 200');
    } finally {
      await host.close();
    }
  });

  it('collects the events a plugin publishes during one call, and keeps calls apart', async () => {
    const host = await createTestHost({ manifest: manifestToml('publisher', ['Hook = "after_save"', 'Event = "content.*"']), wasm: await readFixture('publisher') });
    try {
      const [a, b] = await Promise.all([host.run('after_save', { id: 1 }), host.run('after_save', { id: 2 })]);
      expect(a!.events.map((e) => e.type)).toEqual(['content.updated']);
      expect(a!.events.every((e) => e.source === 'publisher')).toBe(true);
      expect(b!.events.length).toBe(a!.events.length);
    } finally {
      await host.close();
    }
  });

  it("profile: true gives each call the fuel per function, summing to the call's fuel", async () => {
    const host = await createTestHost({ dir: examplePluginDir('reading-time'), profile: true });
    try {
      const r = await host.run('before_render', { path: '/', title: 'T', body: 'word '.repeat(2000), meta: {} });
      expect(r.error).toBeUndefined();
      const profile = r.profile!;
      expect(profile.length).toBeGreaterThan(3);
      // Self fuel of every function adds up to the call's fuel, less the export wrapper's own.
      const sum = profile.reduce((total, e) => total + e.fuel, 0);
      expect(sum).toBeLessThanOrEqual(r.fuel!);
      expect(sum).toBeGreaterThan(r.fuel! * 0.99);
      // Most first; the word counter's loop is where a long body's fuel goes.
      expect(profile.map((e) => e.fuel)).toEqual([...profile.map((e) => e.fuel)].sort((a, b) => b - a));
      // Names come from the name section (the SDK's build keeps it).
      // -O3 inlines the word counter into the hook; the string reads it makes come next.
      expect(profile[0]!.function).toMatch(/hook_before_render|countWords/);
      expect(profile.some((e) => e.function.includes('String#charCodeAt') && e.calls >= 10_000)).toBe(true);
      const again = await host.run('before_render', { path: '/', title: 'T', body: 'word', meta: {} });
      expect(again.profile!.reduce((t, e) => t + e.fuel, 0)).toBeLessThan(sum);
    } finally {
      await host.close();
    }
  });

  it('a fuel profile in worker isolation is refused with E_UNSUPPORTED', async () => {
    await expect(createTestHost({ dir: examplePluginDir('reading-time'), profile: true, isolation: 'worker' })).rejects.toMatchObject({ code: 'E_UNSUPPORTED', pluginId: 'reading-time' });
  });

  it('a plugin that cannot load rejects with its typed error', async () => {
    await expect(createTestHost({ manifest: manifestToml('broken', ['Hook = "never_exported"']), wasm: await readFixture('echo') })).rejects.toMatchObject({ code: 'E_EXPORT', pluginId: 'broken' });
  });
});
