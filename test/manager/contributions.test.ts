/**
 * Content types and template functions contributed by plugins (WASM through `content_type` and
 * `template_function`, JS through their context), with one owner per name.
 */
import { describe, expect, it } from 'vitest';
import { PluginManager } from '@reedcms/plugins';
import { readFixture } from '../support/fixtures.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { manifestToml } from '../support/wat-plugins.ts';

const CONTRIBUTOR = manifestToml('contributor', ['ContentType = "article"', 'ContentType = "page"', 'TemplateFunction = "shout"', 'TemplateFunction = "count"']);

describe('content types', () => {
  it('registers the definitions a WASM plugin returns and validates content against them', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({ manifest: CONTRIBUTOR, wasm: await readFixture('contributor') });
    expect(manager.contentTypes.list().map((t) => [t.name, t.pluginId, t.definition.label])).toEqual([
      ['article', 'contributor', 'Article'],
      ['page', 'contributor', 'Page'],
    ]);
    expect(manager.contentTypes.validate('article', { title: 'Hello' })).toEqual({ valid: true, errors: [] });
    const bad = manager.contentTypes.validate('article', { title: '' });
    expect(bad.valid).toBe(false);
    expect(bad.errors.map((e) => e.path)).toEqual(['title']);
    expect(manager.contentTypes.validate('article', {}).errors[0]?.message).toMatch(/title/);
    expect(manager.contentTypes.validate('page', 42)).toEqual({ valid: true, errors: [] });
    expect(() => manager.contentTypes.validate('recipe', {})).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    await manager.unload('contributor');
    expect(manager.contentTypes.list()).toEqual([]);
    await manager.shutdown();
  });

  it('refuses a second provider of the same content type with E_CAPABILITY', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({ manifest: CONTRIBUTOR, wasm: await readFixture('contributor') });
    await expect(
      manager.load({ plugin: { metadata: { id: 'rival', name: 'Rival', version: '1.0.0' }, initialize: (ctx) => ctx.contentTypes.register('article', { label: 'Mine' }) } }),
    ).rejects.toMatchObject({ code: 'E_INIT', cause: expect.objectContaining({ code: 'E_CAPABILITY' }) });
    expect(manager.contentTypes.get('article')?.pluginId).toBe('contributor');
    await manager.shutdown();
  });

  it('lets JS plugins contribute through their context', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({
      plugin: {
        metadata: { id: 'js-types', name: 'JS types', version: '1.0.0' },
        initialize(ctx) {
          ctx.contentTypes.register('note', { schema: { type: 'object', required: ['text'] } });
          ctx.templates.register('double', (n) => (n as number) * 2);
        },
      },
    });
    expect(manager.contentTypes.validate('note', {}).valid).toBe(false);
    await expect(manager.templates.call('double', 21)).resolves.toBe(42);
    await manager.unload('js-types');
    expect(manager.contentTypes.list()).toEqual([]);
    expect(manager.templates.has('double')).toBe(false);
    await manager.shutdown();
  });
});

describe('template functions', () => {
  it('calls a WASM plugin\'s template functions with JSON arguments', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({ manifest: CONTRIBUTOR, wasm: await readFixture('contributor') });
    expect(manager.templates.list()).toEqual([
      { name: 'count', pluginId: 'contributor' },
      { name: 'shout', pluginId: 'contributor' },
    ]);
    await expect(manager.templates.call('shout', 'héllo')).resolves.toBe('HÉLLO!');
    await expect(manager.templates.call('count', [1, 2, 3])).resolves.toBe(3);
    await expect(manager.templates.call('shout', 42)).rejects.toMatchObject({ code: 'E_GUEST', pluginId: 'contributor' });
    await expect(manager.templates.call('missing')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await manager.reload('contributor');
    await expect(manager.templates.call('shout', 'again')).resolves.toBe('AGAIN!');
    await manager.shutdown();
  });

  it('requires the exports for declared contributions', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await expect(manager.load({ manifest: manifestToml('lacking', ['TemplateFunction = "x"', 'ContentType = "y"']), wasm: await readFixture('echo') })).rejects.toMatchObject({
      code: 'E_EXPORT',
      message: expect.stringMatching(/content_type .*template_function/),
    });
    await manager.shutdown();
  });
});

describe('content type schemas from plugins are safe to run on the host', () => {
  it('refuses regular expressions (ReDoS) and types a schema that fails on use', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    const redos = manager.load({
      plugin: {
        metadata: { id: 'regexy', name: 'Regexy', version: '1.0.0' },
        initialize: (ctx) => ctx.contentTypes.register('post', { schema: { properties: { title: { type: 'string', pattern: '^(a|a)+$' } } } }),
      },
    });
    await expect(redos).rejects.toMatchObject({ code: 'E_OUTPUT', pluginId: 'regexy', message: expect.stringContaining('schema.properties.title.pattern') });
    expect(manager.plugins()).toEqual([]);
    expect(manager.hooks.names()).toEqual([]);
    expect(manager.contentTypes.list()).toEqual([]);

    await manager.load({
      plugin: { metadata: { id: 'dangling', name: 'Dangling', version: '1.0.0' }, initialize: (ctx) => ctx.contentTypes.register('note', { schema: { $ref: '#/nope' } }) },
    });
    expect(() => manager.contentTypes.validate('note', {})).toThrow(expect.objectContaining({ code: 'E_OUTPUT', pluginId: 'dangling' }));
    await manager.shutdown();
  });
});
