import { describe, it, expect } from 'vitest';
import { capabilitySet, eventTypeMatches } from '../../src/manifest/capabilities.ts';
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

describe('eventTypeMatches', () => {
  it('matches an exact type, and nothing else, without wildcards', () => {
    expect(eventTypeMatches('content.created', 'content.created')).toBe(true);
    expect(eventTypeMatches('content.created', 'content.updated')).toBe(false);
    expect(eventTypeMatches('content.created', 'content.created.extra')).toBe(false);
    expect(eventTypeMatches('content.created', 'content')).toBe(false);
    expect(eventTypeMatches('content', 'content.created')).toBe(false);
  });

  it('a lone * matches every type, however many segments', () => {
    for (const type of ['content', 'content.created', 'a.b.c.d', 'x-y_z']) expect(eventTypeMatches('*', type), type).toBe(true);
  });

  it('content.* matches exactly one further segment', () => {
    expect(eventTypeMatches('content.*', 'content.created')).toBe(true);
    expect(eventTypeMatches('content.*', 'content.deleted')).toBe(true);
    expect(eventTypeMatches('content.*', 'content.a.b')).toBe(false);
    expect(eventTypeMatches('content.*', 'content')).toBe(false);
    expect(eventTypeMatches('content.*', 'content.')).toBe(false);
    expect(eventTypeMatches('content.*', 'system.startup')).toBe(false);
  });

  it('content.** matches one or more further segments', () => {
    expect(eventTypeMatches('content.**', 'content.created')).toBe(true);
    expect(eventTypeMatches('content.**', 'content.a.b')).toBe(true);
    expect(eventTypeMatches('content.**', 'content.a.b.c.d')).toBe(true);
    expect(eventTypeMatches('content.**', 'content')).toBe(false);
    expect(eventTypeMatches('content.**', 'contentx.a')).toBe(false);
    expect(eventTypeMatches('content.**', 'system.content.a')).toBe(false);
  });

  it('* in the middle or at the start matches one whole segment', () => {
    expect(eventTypeMatches('*.created', 'content.created')).toBe(true);
    expect(eventTypeMatches('*.created', 'a.b.created')).toBe(false);
    expect(eventTypeMatches('a.*.c', 'a.b.c')).toBe(true);
    expect(eventTypeMatches('a.*.c', 'a.b.x.c')).toBe(false);
    expect(eventTypeMatches('a.*.c', 'a..c')).toBe(false);
  });

  it('never matches part of a segment', () => {
    expect(eventTypeMatches('content.*', 'contents.created')).toBe(false);
    expect(eventTypeMatches('content.*', 'xcontent.created')).toBe(false);
    expect(eventTypeMatches('cont*', 'content')).toBe(false);
    expect(eventTypeMatches('content.cre*', 'content.created')).toBe(false);
    expect(eventTypeMatches('*.created', 'content.created_later')).toBe(false);
    expect(eventTypeMatches('content.*', 'xx.content.created')).toBe(false);
  });

  it('treats regex metacharacters in names literally', () => {
    // `.` must not match any character.
    expect(eventTypeMatches('a.*', 'aXb')).toBe(false);
    expect(eventTypeMatches('a+b.*', 'a+b.c')).toBe(true);
    expect(eventTypeMatches('a+b.*', 'aab.c')).toBe(false);
    expect(eventTypeMatches('(x|y).*', 'x.c')).toBe(false);
    expect(eventTypeMatches('(x|y).*', '(x|y).c')).toBe(true);
    expect(eventTypeMatches('a[b].*', 'ab.c')).toBe(false);
    expect(eventTypeMatches('a[b].*', 'a[b].c')).toBe(true);
    expect(eventTypeMatches('$^.*', '$^.x')).toBe(true);
    expect(eventTypeMatches('a?.*', 'a.x')).toBe(false);
    expect(eventTypeMatches('a\\d.*', 'a1.x')).toBe(false);
    expect(eventTypeMatches('a\\d.*', 'a\\d.x')).toBe(true);
  });

  it('gives the same answer when a pattern is used repeatedly (cached)', () => {
    for (let i = 0; i < 3; i++) {
      expect(eventTypeMatches('cache.*', 'cache.hit')).toBe(true);
      expect(eventTypeMatches('cache.*', 'cache.hit.x')).toBe(false);
    }
  });
});
