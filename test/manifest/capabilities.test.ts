import { describe, it, expect } from 'vitest';
import { capabilitySet } from '../../src/manifest/capabilities.ts';
import { parseManifest } from '../../src/manifest/parse-manifest.ts';
import type { Capability } from '../../src/manifest/types.ts';

describe('capabilitySet', () => {
  it('is all-empty for no capabilities', () => {
    expect(capabilitySet({ capabilities: [] })).toStrictEqual({ hooks: [], hookKinds: {}, events: [], commands: [], contentTypes: [], templateFunctions: [], exports: [], hostFunctions: [] });
  });

  it('groups capabilities by kind, keeping declaration order', () => {
    const capabilities: Capability[] = [
      { Hook: 'b_hook' },
      { Event: 'content.*' },
      { Hook: 'a_hook' },
      { Command: 'reindex' },
      { TemplateFunction: 'slug' },
      { ContentType: 'article' },
      { Command: 'flush' },
      { ContentType: 'page' },
      { Event: 'system.startup' },
      { TemplateFunction: 'date' },
    ];
    expect(capabilitySet({ capabilities })).toStrictEqual({
      hooks: ['b_hook', 'a_hook'],
      hookKinds: {},
      events: ['content.*', 'system.startup'],
      commands: ['reindex', 'flush'],
      contentTypes: ['article', 'page'],
      templateFunctions: ['slug', 'date'],
      exports: [],
      hostFunctions: [],
    });
  });

  it('removes duplicates, keeping the first occurrence', () => {
    const capabilities: Capability[] = [{ Hook: 'x' }, { Hook: 'y' }, { Hook: 'x' }, { Event: 'a.b' }, { Event: 'a.b' }, { Hook: 'y' }];
    const set = capabilitySet({ capabilities });
    expect(set.hooks).toStrictEqual(['x', 'y']);
    expect(set.events).toStrictEqual(['a.b']);
  });

  it('keeps the same name under different kinds separate', () => {
    const set = capabilitySet({ capabilities: [{ Hook: 'slug' }, { Command: 'slug' }, { TemplateFunction: 'slug' }] });
    expect(set).toStrictEqual({ hooks: ['slug'], hookKinds: {}, events: [], commands: ['slug'], contentTypes: [], templateFunctions: ['slug'], exports: [], hostFunctions: [] });
  });

  it('works on parsed TOML metadata (null-prototype tables)', () => {
    const meta = parseManifest(
      'id = "a"\nname = "n"\nversion = "1.0.0"\ncapabilities = [{ Hook = "after_render" }, { Event = "content.created" }, { Command = "go" }, { ContentType = "article" }, { TemplateFunction = "slug" }]\n',
    );
    expect(capabilitySet(meta)).toStrictEqual({
      hooks: ['after_render'],
      hookKinds: {},
      events: ['content.created'],
      commands: ['go'],
      contentTypes: ['article'],
      templateFunctions: ['slug'],
      exports: [],
      hostFunctions: [],
    });
  });

  it('returns fresh arrays each call', () => {
    const meta = { capabilities: [{ Hook: 'x' }] as Capability[] };
    capabilitySet(meta).hooks.push('injected');
    expect(capabilitySet(meta).hooks).toStrictEqual(['x']);
  });
});
