/**
 * A plugin's `config_schema` validates the host's config for it before `initialize`; an invalid
 * config names every bad field (E_CONFIG) and the plugin does not load.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, PluginManager, validateConfig, type Plugin } from '@reedcms/plugins';
import { captureLogger } from '../support/capture-logger.ts';

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

  it('reports a missing required key at the top level', () => {
    expect(() => validateConfig(SCHEMA, {}, 'p')).toThrow(/base_url/);
  });

  it('leaves config alone when there is no schema', () => {
    const config = { anything: 1 };
    expect(validateConfig(undefined, config, 'p')).toBe(config);
  });
});
