/**
 * The linear-time matcher for plugin patterns: the same answers as the engine's own `u`-mode
 * matcher on the accepted subset (checked side by side), refusals for what cannot be bounded,
 * and work that grows linearly with the text on the classic ReDoS shapes (counted, not timed).
 */
import { describe, expect, it } from 'vitest';
import { LinearRegex } from '../../src/schema/linear-regex.ts';
import { literalSetPattern } from '../../src/schema/literal-set-regex.ts';
import { RegexRefusal } from '../../src/schema/regex-syntax.ts';
import { BudgetExceeded, WorkBudget } from '../../src/schema/work-budget.ts';

const PATTERNS = [
  '^[a-z0-9-]+$',
  '^https?://',
  '\\d{4}-\\d{2}-\\d{2}',
  'a|b|cd',
  '(ab)*c',
  '^(a|a)*$',
  'x{2,4}y',
  '\\bfoo\\b',
  '\\Bo',
  '^$',
  '',
  'a?',
  '[^a-c]',
  '\\p{L}+',
  '^\\p{Lu}\\p{Ll}+$',
  '^\\u{1F600}$',
  '^\\uD83D\\uDE00$',
  '^.$',
  'é',
  '(?:a|bc)+$',
  '(?<n>q)r',
  '[\\]x]',
  'a{0}b',
  'a{3,}',
  '^(.*.*)*x$',
  '\\w+@\\w+\\.com',
  '^[\\s\\S]{2}$',
  '\\x41\\cJ',
  '[😀-😂]',
  '^\\S+$',
  '[\\d\\-]+',
  '^(a+?)+b',
  'a{2,}?b',
  '\\0',
  '^\\/api\\/',
  '^[^\\n]*$',
  '(?:^|,)x(?:,|$)',
  '^\\W',
  '\\t',
];
const TEXTS = [
  '',
  'a',
  'abc',
  'abc-12',
  'https://x',
  'http:/',
  '2024-01-02',
  'cd',
  'ababc',
  'aaaa',
  'xxy',
  'xxxxxy',
  'a foo b',
  'foo',
  'boo',
  'Élodie',
  'Ünïcødé',
  '😀',
  '😁',
  '\n',
  'x',
  'bcbca',
  'qr',
  ']',
  'b',
  'aaab',
  'me@site.com',
  'A\n',
  'ab',
  '\uD800',
  'a,x,b',
  'x',
  '/api/v1',
  '\t',
  '\0',
  '12-3',
  'a\u2028b',
];

describe('linear-time patterns', () => {
  it('answers like the engine on the accepted subset', () => {
    const budget = new WorkBudget(Number.MAX_SAFE_INTEGER, 'steps');
    const differences: string[] = [];
    for (const source of PATTERNS) {
      const native = new RegExp(source, 'u');
      const linear = LinearRegex.compile(source);
      for (const text of TEXTS) if (native.test(text) !== linear.test(text, budget)) differences.push(`${source} on ${JSON.stringify(text)}`);
    }
    expect(differences).toEqual([]);
  });

  it('refuses backreferences, lookarounds, huge expansions and invalid syntax, saying why', () => {
    const refusal = (source: string): string => {
      try {
        LinearRegex.compile(source);
        return 'accepted';
      } catch (err) {
        expect(err).toBeInstanceOf(RegexRefusal);
        return (err as Error).message;
      }
    };
    expect(refusal('(a)\\1')).toMatch(/backreference/);
    expect(refusal('(?<x>a)\\k<x>')).toMatch(/backreference/);
    expect(refusal('(?=a)')).toMatch(/lookaround/);
    expect(refusal('(?!a)')).toMatch(/lookaround/);
    expect(refusal('(?<=a)b')).toMatch(/lookaround/);
    expect(refusal('(?<!a)b')).toMatch(/lookaround/);
    expect(refusal('(a{1,1000}){1,1000}')).toMatch(/too large/);
    expect(refusal('a{100000}')).toMatch(/too large/);
    expect(refusal('(unclosed')).toMatch(/not a valid regular expression/);
    expect(refusal('\\Z')).toMatch(/not a valid regular expression/);
  });

  it('does work linear in the text on classic ReDoS shapes: at most (length + 1) × (states + 1) steps', () => {
    for (const [source, text] of [
      ['^(a|a)*$', `${'a'.repeat(100_000)}!`],
      ['^(.*.*)*x$', 'a'.repeat(100_000)],
      ['^(a+)+$', `${'a'.repeat(100_000)}!`],
      ['(x+x+)+y', 'x'.repeat(100_000)],
      ['(a|aa)+$', `${'a'.repeat(100_000)}!`],
      ['^(\\w+\\s?)*$', `${'word '.repeat(20_000)}!`],
    ] as const) {
      const re = LinearRegex.compile(source);
      expect(re.states, source).toBeLessThan(30);
      expect(re.test(text, new WorkBudget((text.length + 1) * (re.states + 1), 'steps')), source).toBe(false);
    }
  });

  it('stops at its step budget with a typed error', () => {
    const re = LinearRegex.compile('[a-z]{1,500}!');
    expect(() => re.test('a'.repeat(10_000), new WorkBudget(100_000, 'pattern-matching steps'))).toThrow(BudgetExceeded);
  });
});

describe('literal-set stand-ins', () => {
  it('match exactly their strings, as a trie the engine decides without backtracking', () => {
    const strings = ['abc', 'abd', 'ab', 'x', '', 'a.b', '[]', '😀', 'a\nb'];
    const pattern = new RegExp(literalSetPattern(strings), 'u');
    for (const s of strings) expect(pattern.test(s), s).toBe(true);
    for (const s of ['a', 'abcd', 'axb', 'y', ' x', 'ab\n', '😁', 'a\nbc']) expect(pattern.test(s), s).toBe(false);
    expect(literalSetPattern(['abc', 'abd', 'x'])).toBe('^(?:ab(?:c|d)|x)$');
    expect(new RegExp(literalSetPattern([]), 'u').test('')).toBe(false);
  });
});
