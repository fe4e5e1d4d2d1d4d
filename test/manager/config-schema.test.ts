/**
 * A plugin's `config_schema` validates the host's config for it before `initialize`; an invalid
 * config names every bad field (E_CONFIG) and the plugin does not load.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, ManifestError, PluginManager, validateConfig, type Plugin } from '@reedcms/plugins';
import { captureLogger } from '../support/capture-logger.ts';
import { readFixture } from '../support/fixtures.ts';
import { manifestToml } from '../support/wat-plugins.ts';

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['base_url'],
  properties: {
    base_url: { type: 'string', pattern: '^https?://' },
    max: { type: 'integer', minimum: 1, default: 10 },
    tags: { type: 'array', items: { type: 'string' } },
  },
};

function configReader(seen: unknown[]): Plugin {
  return {
    metadata: { id: 'configured', name: 'Configured', version: '1.0.0', config_schema: SCHEMA },
    initialize(ctx) {
      seen.push(ctx.config);
    },
  };
}

describe('config schemas', () => {
  it('fills in defaults and passes a valid config to initialize', async () => {
    const seen: unknown[] = [];
    const manager = new PluginManager({ logger: captureLogger(), plugins: { configured: { base_url: 'https://x.test', tags: ['a'] } } });
    await manager.load({ plugin: configReader(seen) });
    expect(seen).toEqual([{ base_url: 'https://x.test', tags: ['a'], max: 10 }]);
    await manager.shutdown();
  });

  it('names every bad field and refuses to load, with E_CONFIG', async () => {
    const seen: unknown[] = [];
    const manager = new PluginManager({ logger: captureLogger(), plugins: { configured: { base_url: 'ftp://x', max: 0, tags: ['ok', 3], extra: true } } });
    const error = (await manager.load({ plugin: configReader(seen) }).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'E_CONFIG', pluginId: 'configured' });
    expect(error.issues.map((i) => i.path).sort()).toEqual(['base_url', 'extra', 'max', 'tags[1]']);
    expect(error.message).toContain('extra: is not allowed (unknown key)');
    expect(seen).toEqual([]);
    expect(manager.plugins()).toEqual([]);
    await manager.shutdown();
  });

  it('reports a missing required key at the top level', async () => {
    await expect(validateConfig(SCHEMA, {}, 'p')).rejects.toThrow(/base_url/);
  });

  it('leaves config alone when there is no schema', async () => {
    const config = { anything: 1 };
    expect(await validateConfig(undefined, config, 'p')).toBe(config);
  });
});

describe("config schemas are the plugin's and run bounded", () => {
  const refusal = async (schema: Record<string, unknown>, config: Record<string, unknown> = {}): Promise<ManifestError | ConfigError> => {
    try {
      await validateConfig(schema, config, 'p');
    } catch (err) {
      return err as ManifestError | ConfigError;
    }
    throw new Error('expected a refusal');
  };

  it('keeps the meaning of the patterns authors write (ECMA-262, unicode)', async () => {
    const schema = {
      properties: {
        slug: { type: 'string', pattern: '^[a-z0-9-]+$' },
        url: { type: 'string', pattern: '^https?://' },
        date: { type: 'string', pattern: '\\d{4}-\\d{2}-\\d{2}' },
        name: { type: 'string', pattern: '^\\p{Lu}\\p{Ll}+$' },
      },
      patternProperties: { '^x-': { type: 'string' } },
    };
    expect(await validateConfig(schema, { slug: 'a-1', url: 'http://x', date: 'due 2026-12-02!', name: 'Ådne', 'x-a': 'b' }, 'p')).toBeDefined();
    const error = await refusal(schema, { slug: 'A_1', url: 'ftp://x', date: '2026-1-2', name: 'ådne', 'x-a': 1 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.issues.map((i) => i.path).sort()).toEqual(['date', 'name', 'slug', 'url', 'x-a']);
  });

  it('types every schema fault as E_MANIFEST with its path, and every config fault as E_CONFIG', async () => {
    const self = await refusal({ $ref: '#' });
    expect(self).toBeInstanceOf(ManifestError);
    expect(self).toMatchObject({ code: 'E_MANIFEST', pluginId: 'p', issues: [{ path: 'config_schema', message: expect.stringContaining('refers to itself') }] });
    expect(await refusal({ properties: { a: { $ref: '#/$defs/missing' } } })).toMatchObject({ code: 'E_MANIFEST', pluginId: 'p', issues: [{ path: 'config_schema.properties.a.$ref' }] });
    expect(await refusal({ properties: { a: { pattern: '(?<=x)y' } } })).toMatchObject({ code: 'E_MANIFEST', issues: [{ path: 'config_schema.properties.a.pattern' }] });
    // A JS caller may share objects (each use is copied) but not build cycles or 2^n expansions.
    const shared = { type: 'string' };
    expect((await refusal({ properties: { a: shared, b: shared } }, { a: 1, b: 'x' })).issues.map((i) => i.path)).toEqual(['a']);
    const cyclic: Record<string, unknown> = { type: 'object' };
    cyclic['properties'] = { self: cyclic };
    expect(await refusal(cyclic)).toMatchObject({ code: 'E_MANIFEST', issues: [{ path: 'config_schema.properties.self', message: expect.stringContaining('contains itself') }] });
    let dag: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) dag = { allOf: [dag, dag] };
    expect(await refusal(dag)).toMatchObject({ code: 'E_MANIFEST', issues: [{ message: 'the schema holds more than 100,000 values' }] });
    let deepSchema: Record<string, unknown> = { type: 'object' };
    for (let i = 0; i < 500; i++) deepSchema = { properties: { a: deepSchema } };
    expect(await refusal(deepSchema)).toMatchObject({ code: 'E_MANIFEST', issues: [{ message: 'is nested more than 128 levels deep' }] });

    let deepConfig: Record<string, unknown> = {};
    for (let i = 0; i < 20_000; i++) deepConfig = { a: deepConfig };
    const deep = await refusal({ type: 'object', additionalProperties: { $ref: '#' } }, deepConfig);
    expect(deep).toBeInstanceOf(ConfigError);
    expect(deep).toMatchObject({ code: 'E_CONFIG', pluginId: 'p', issues: [{ message: 'is nested more than 256 levels deep' }] });
    expect(await refusal({ properties: { a: { type: 'string' } } }, { a: undefined })).toMatchObject({ code: 'E_CONFIG', pluginId: 'p' });
  });

  it('refuses in-place cycles through dependentSchemas and $recursiveRef too, and answers huge bounds and tiny multipleOf directly', async () => {
    expect(await refusal({ dependentSchemas: { a: { $ref: '#' } } }, { a: 1 })).toMatchObject({
      code: 'E_MANIFEST',
      issues: [{ path: 'config_schema', message: expect.stringContaining('# → #/dependentSchemas/a → #') }],
    });
    expect(await refusal({ $recursiveRef: '#' })).toMatchObject({ code: 'E_MANIFEST', issues: [{ message: expect.stringContaining('refers to itself') }] });
    // A recursion that descends with the data is fine.
    expect(await validateConfig({ $recursiveAnchor: true, properties: { kids: { items: { $recursiveRef: '#' } } } }, { kids: [{ kids: [] }] }, 'p')).toEqual({ kids: [{ kids: [] }] });
    const bounds = { properties: { big: { multipleOf: 1e-300 }, text: { minLength: 1e9 }, list: { maxItems: 1e308, minItems: 0 } } };
    expect(await validateConfig(bounds, { big: 1e308, list: [1, 2] }, 'p')).toEqual({ big: 1e308, list: [1, 2] });
    expect((await refusal(bounds, { text: 'abc' })).issues.map((i) => i.path)).toEqual(['text']);
  });

  it('bounds a $ref-free schema whose branches multiply over a large config too', async () => {
    const schema = { properties: { list: { items: { anyOf: Array.from({ length: 300 }, (_, i) => ({ const: `k${i}` })) } } } };
    expect(await validateConfig(schema, { list: Array.from({ length: 100 }, () => 'k299') }, 'p')).toBeDefined();
    expect(await refusal(schema, { list: Array.from({ length: 1_000 }, () => 'k299') })).toMatchObject({
      code: 'E_MANIFEST',
      issues: [{ message: expect.stringContaining('more than 250,000 schema evaluations') }],
    });
  });

  it('weighs a huge enum by its size, so it cannot multiply work unseen, and cuts its quoted message', async () => {
    const values = Array.from({ length: 99_000 }, (_, i) => `v${i}`);
    const error = await refusal({ properties: { list: { items: { enum: values } } } }, { list: Array.from({ length: 10_000 }, () => 'nope') });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('list[0]');
    expect(error.issues[0]?.message.length).toBe(301);
  });

  it('lists a huge number of bad values without overflowing (the first error stands)', async () => {
    const error = await refusal({ properties: { list: { items: { type: 'string' } } } }, { list: Array.from({ length: 200_000 }, (_, i) => i) });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.issues[0]).toEqual({ path: 'list[0]', message: 'Instance type "number" is invalid. Expected "string".' });
    // Fewer errors are listed in full by the validator: the issues are capped at 100 (reading them is quadratic).
    const many = await refusal({ properties: { list: { items: { type: 'string' } } } }, { list: Array.from({ length: 30_000 }, (_, i) => i) });
    expect(many.issues).toHaveLength(101);
    expect(many.issues[100]?.message).toMatch(/only the first 100 are listed/);
  });
});

describe('a malformed config_schema', () => {
  for (const isolation of ['inline', 'worker'] as const) {
    it(`is refused at load with every problem, each with its path and a did-you-mean (${isolation})`, async () => {
      const manager = new PluginManager({ isolation, logger: captureLogger() });
      const schema = [
        '[config_schema]',
        'type = "object"',
        'requird = ["a"]',
        '"x-ui" = { order = 1 }',
        '[config_schema.properties.a]',
        'type = "strng"',
        'minLength = -1',
        '[config_schema.properties.b]',
        'type = ["string", "nul"]',
      ].join('\n');
      try {
        const error = await manager.load({ manifest: manifestToml('typo', ['Hook = "before_render"'], schema), wasm: await readFixture('echo') }).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'E_MANIFEST', pluginId: 'typo' });
        expect((error as { issues: { path: string; message: string }[] }).issues).toEqual(
          expect.arrayContaining([
            { path: 'config_schema.requird', message: 'unknown JSON Schema keyword: did you mean "required"?' },
            { path: 'config_schema.properties.a.type', message: '"strng" is not a JSON Schema type (did you mean "string"?)' },
            { path: 'config_schema.properties.a.minLength', message: 'must be a non-negative integer' },
            { path: 'config_schema.properties.b.type', message: '"nul" is not a JSON Schema type (did you mean "null"?)' },
          ]),
        );
        expect((error as { issues: unknown[] }).issues).toHaveLength(4);
        expect(manager.plugins().map((p) => p.id)).toEqual([]);
      } finally {
        await manager.shutdown();
      }
    });
  }
});
