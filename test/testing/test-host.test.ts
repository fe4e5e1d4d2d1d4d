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

  it('a plugin that cannot load rejects with its typed error', async () => {
    await expect(createTestHost({ manifest: manifestToml('broken', ['Hook = "never_exported"']), wasm: await readFixture('echo') })).rejects.toMatchObject({ code: 'E_EXPORT', pluginId: 'broken' });
  });
});
