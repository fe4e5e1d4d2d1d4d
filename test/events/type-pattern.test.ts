import { describe, it, expect } from 'vitest';
import { compileTypePattern, compileTypePatterns, eventTypeMatches } from '../../src/events/type-pattern.ts';

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

  it('gives the same answer when a compiled pattern is used repeatedly', () => {
    const m = compileTypePattern('cache.*');
    for (let i = 0; i < 3; i++) {
      expect(m('cache.hit')).toBe(true);
      expect(m('cache.hit.x')).toBe(false);
    }
  });
});

/** The grammar, written out independently: segments, `*` one segment, `**` one or more characters. */
function reference(pattern: string): RegExp {
  if (pattern === '*') return /^[\s\S]*$/;
  const parts = pattern.split('.').map((s) => (s === '**' ? '.+' : s === '*' ? '[^.]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('\\.')}$`);
}

describe('compileTypePattern: the shortcuts agree with the grammar', () => {
  const patterns = ['*', '**', 'a', 'a.*', 'a.**', 'a.b.*', 'a.b.**', '*.b', 'a.*.c', 'a*', 'a.b*', 'a.**.c', 'a.**.**.c', '.*', 'a.'];
  const types = ['a', 'a.b', 'a.b.c', 'a.bc', 'ab', 'a.', '.a', 'x.b', 'a.x.c', 'a.b.', 'b', 'a..b', 'a*', 'a.b*', 'a.x.y.c'];
  it.each(patterns)('%s', (pattern) => {
    const compiled = compileTypePattern(pattern);
    const expected = reference(pattern);
    for (const type of types) expect([type, compiled(type)]).toStrictEqual([type, expected.test(type)]);
  });

  it('compileTypePatterns matches when any pattern does', () => {
    const any = compileTypePatterns(['content.*', 'seo.**']);
    expect(['content.a', 'seo.a.b', 'content.a.b', 'other'].map(any)).toStrictEqual([true, true, false, false]);
    expect(compileTypePatterns([])('content.a')).toBe(false);
  });

  it('stays linear on many ** against a long type (no backtracking blow-up)', () => {
    const m = compileTypePattern('a.**.**.**.**.**.b');
    // Counted, not timed: the matcher answers, and the answer is the grammar's.
    const type = `a.${'x.'.repeat(5_000)}c`;
    expect(m(type)).toBe(false);
    expect(m(`a.${'x.'.repeat(5_000)}b`)).toBe(true);
  });
});
