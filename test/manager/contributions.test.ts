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
  it("calls a WASM plugin's template functions with JSON arguments", async () => {
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
  it('runs their patterns in linear time, refuses what cannot be bounded, and types a schema that fails on use', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    // A classic ReDoS shape: bounded here, with the same answers as the engine's matcher.
    await manager.load({
      plugin: {
        metadata: { id: 'regexy', name: 'Regexy', version: '1.0.0' },
        initialize: (ctx) => ctx.contentTypes.register('post', { schema: { properties: { title: { type: 'string', pattern: '^(a|a)+$' } }, patternProperties: { '^(x+x+)+y$': { type: 'number' } } } }),
      },
    });
    expect(manager.contentTypes.validate('post', { title: 'aaaa' })).toEqual({ valid: true, errors: [] });
    expect(manager.contentTypes.validate('post', { title: `${'a'.repeat(50_000)}!` })).toEqual({ valid: false, errors: [{ path: 'title', message: 'String does not match pattern.' }] });
    const keyed = manager.contentTypes.validate('post', { [`${'x'.repeat(20_000)}y`]: 'not a number', xxy: 1 });
    expect(keyed.valid).toBe(false);
    expect(keyed.errors.map((e) => e.message)).toContainEqual(expect.stringContaining('matches pattern "^(x+x+)+y$"'));

    // A backreference has no linear-time algorithm: refused at registration, with its path.
    const backref = manager.load({
      plugin: {
        metadata: { id: 'backref', name: 'Backref', version: '1.0.0' },
        initialize: (ctx) => ctx.contentTypes.register('note', { schema: { properties: { title: { type: 'string', pattern: '^(a+)\\1$' } } } }),
      },
    });
    await expect(backref).rejects.toMatchObject({
      code: 'E_OUTPUT',
      pluginId: 'backref',
      message: expect.stringContaining('schema.properties.title.pattern: pattern "^(a+)\\\\1$" uses a backreference'),
    });
    expect(manager.plugins().map((p) => p.id)).toEqual(['regexy']);

    // An unresolvable $ref is refused when the type is registered, not when content arrives.
    const dangling = manager.load({
      plugin: { metadata: { id: 'dangling', name: 'Dangling', version: '1.0.0' }, initialize: (ctx) => ctx.contentTypes.register('note', { schema: { $ref: '#/nope' } }) },
    });
    await expect(dangling).rejects.toMatchObject({ code: 'E_OUTPUT', pluginId: 'dangling', message: expect.stringContaining('schema.$ref: "#/nope" does not resolve') });
    expect(manager.contentTypes.list().map((t) => t.name)).toEqual(['post']);
    await manager.shutdown();
  });

  it('bounds validation work: exponential schemas blame the plugin (E_OUTPUT), oversized content is E_INPUT', async () => {
    const manager = new PluginManager({ logger: captureLogger() });
    await manager.load({
      plugin: {
        metadata: { id: 'fanout', name: 'Fan-out', version: '1.0.0' },
        initialize: (ctx) => {
          ctx.contentTypes.register('tree', { schema: { $defs: { t: { items: { allOf: [{ $ref: '#/$defs/t' }, { $ref: '#/$defs/t' }] } } }, $ref: '#/$defs/t' } });
          ctx.contentTypes.register('tags', { schema: { type: 'array', uniqueItems: true } });
        },
      },
    });
    await manager.load({ plugin: { metadata: { id: 'plain', name: 'Plain', version: '1.0.0' }, initialize: (ctx) => ctx.contentTypes.register('doc', { schema: { type: 'object' } }) } });
    let nested: unknown = [];
    for (let i = 0; i < 40; i++) nested = [nested];
    expect(() => manager.contentTypes.validate('tree', nested)).toThrow(
      expect.objectContaining({ code: 'E_OUTPUT', pluginId: 'fanout', message: expect.stringContaining('more than 250,000 schema evaluations') }),
    );
    expect(manager.contentTypes.validate('tree', [[[]]])).toEqual({ valid: true, errors: [] });
    expect(() =>
      manager.contentTypes.validate(
        'tags',
        Array.from({ length: 10_000 }, (_, i) => i),
      ),
    ).toThrow(expect.objectContaining({ code: 'E_INPUT', pluginId: 'fanout' }));
    expect(manager.contentTypes.validate('tags', [1, 2, 1]).valid).toBe(false);
    let deep: unknown = {};
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    expect(() => manager.contentTypes.validate('doc', deep)).toThrow(
      expect.objectContaining({ code: 'E_INPUT', pluginId: 'plain', message: expect.stringContaining('nested more than 256 levels deep') }),
    );
    expect(manager.contentTypes.validate('doc', { a: { b: 1 } })).toEqual({ valid: true, errors: [] });
    await manager.shutdown();
  });
});
