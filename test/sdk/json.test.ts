/**
 * The SDK's JSON module (sdk/assembly/json), driven through real Extism via the `sdk-probe`
 * fixture: parse → stringify must agree with JavaScript's JSON for valid input and reject
 * malformed input with a message (never a trap).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Plugin } from '@extism/extism';
import { readFixture } from '../support/fixtures.ts';
import { callText, loadGuest } from './extism-harness.ts';

let plugin: Plugin;
beforeAll(async () => {
  ({ plugin } = await loadGuest(await readFixture('sdk-probe')));
});

const roundtrip = (text: string) => callText(plugin, 'json_roundtrip', text);

describe('Json.parse + Json.stringify', () => {
  it.each([
    ['null', 'null'],
    ['true', 'true'],
    ['false', 'false'],
    ['0', '0'],
    ['-0', '0'],
    ['42', '42'],
    ['-17.25', '-17.25'],
    ['""', '""'],
    ['[]', '[]'],
    ['{}', '{}'],
    ['  [ 1 , [ 2 , [ 3 ] ] , { "a" : { "b" : [ ] } } ]  ', '[1,[2,[3]],{"a":{"b":[]}}]'],
    ['{"z":1,"a":2,"m":3}', '{"z":1,"a":2,"m":3}'],
  ])('%s → %s (same as JS)', async (input, expected) => {
    expect(JSON.stringify(JSON.parse(input))).toBe(expected); // the expectation itself is JS's
    expect(await roundtrip(input)).toBe(expected);
  });

  it('keeps the first position and the last value of a duplicate key, like JSON.parse', async () => {
    const input = '{"a":1,"b":2,"a":3}';
    expect(await roundtrip(input)).toBe(JSON.stringify(JSON.parse(input)));
    expect(JSON.parse(await roundtrip(input))).toEqual({ a: 3, b: 2 });
  });

  it('decodes every escape and re-escapes exactly as JSON.stringify does', async () => {
    const input = String.raw`["\"\\\/\b\f\n\r\t","\u0000\u001f\u007f","\u00e9\u2192\u65e5","\ud83d\ude00","\ud800","x\udc00y"]`;
    const out = await roundtrip(input);
    expect(out).toBe(JSON.stringify(JSON.parse(input)));
    // Lone surrogates survive as escapes (UTF-8 cannot carry them raw).
    expect(out).toContain(String.raw`"\ud800"`);
    expect(out).toContain(String.raw`"x\udc00y"`);
  });

  it('passes non-ASCII text and emoji through as raw UTF-8', async () => {
    const doc = { title: 'Grüße → ✓ 日本語 😀', nested: [{ ключ: 'значение', emoji: '👩‍👩‍👧' }] };
    const input = JSON.stringify(doc);
    const out = await plugin.call('json_roundtrip', input);
    expect(out!.text()).toBe(input);
    expect(out!.bytes().length).toBe(new TextEncoder().encode(input).length);
  });

  it('round-trips arbitrary JSON documents to equal values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const text = JSON.stringify(value);
        expect(JSON.parse(await roundtrip(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('reproduces JSON.stringify exactly for arbitrary strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }), async (s) => {
        const text = JSON.stringify(s); // escapes lone surrogates, so the input is valid UTF-8
        expect(await roundtrip(text)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('numbers', () => {
  it('parses to the correctly rounded double (hard cases)', async () => {
    const cases = [
      '0.1',
      '0.30000000000000004',
      '1e23',
      '8.98846567431158e307',
      '1.7976931348623157e308',
      '1.7976931348623158e308',
      '5e-324',
      '2.4703282292062328e-324',
      '2.4703282292062327e-324',
      '2.2250738585072011e-308',
      '2.2250738585072012e-308',
      '9007199254740993',
      '123456789012345678901234567890',
      '1' + '0'.repeat(400) + 'e-400',
      '0.' + '0'.repeat(300) + '1e301',
      '1e-400',
      '-1e-400',
      '4.35',
      '1E+2',
      '1e400',
    ];
    for (const c of cases) {
      const expected = JSON.parse(`[${c}]`)[0] as number;
      const [got] = JSON.parse((await roundtrip(`[${c}]`)).replace('null', '1e999')) as [number];
      expect(Object.is(got, expected) || (got === 0 && expected === 0), `${c}: ${got} vs ${expected}`).toBe(true);
    }
  });

  it('round-trips random doubles bit-exactly, printed as JavaScript prints them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ noNaN: true, noDefaultInfinity: true }), async (n) => {
        const text = JSON.stringify([n]);
        const out = await roundtrip(text);
        expect((JSON.parse(out) as [number])[0]).toBe(n === 0 ? 0 : n); // JSON has no -0
        expect(out).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });

  it('prints the shortest form for values where a naive printer adds digits', async () => {
    for (const n of [0.1 + 0.2, 3.81049966758537e-17, 24345239.097020376, -285784712016948.75, 1e23, 5e-324, 1.7976931348623157e308, 1e21, 1e-7, 123e-20]) {
      expect(await roundtrip(JSON.stringify(n))).toBe(JSON.stringify(n));
    }
  });

  it('prints integers without a fraction, like JavaScript', async () => {
    for (const n of [1, -1, 100, 2 ** 31, 2 ** 53, 2 ** 60, 1e20]) {
      expect(await roundtrip(JSON.stringify(n))).toBe(JSON.stringify(n));
    }
  });

  it('prints Infinity as null', async () => {
    expect(await roundtrip('[1e999,-1e999]')).toBe('[null,null]');
  });
});

describe('malformed input', () => {
  it.each([
    ['', /Unexpected end of JSON input/],
    ['[1,]', /Unexpected character '\]' at position 3/],
    ['{"a":1,}', /Unexpected character '\}' at position 7/],
    ['{"a"', /Unexpected end of JSON input/],
    ['{a:1}', /Unexpected character 'a' at position 1/],
    ["{'a':1}", /Unexpected character ''' at position 1/],
    ['01', /after the JSON value/],
    ['1.', /Unterminated fractional number/],
    ['1e', /Exponent part is missing a number/],
    ['-', /No number after minus sign/],
    ['"abc', /Unterminated string/],
    ['"\\x"', /Bad escaped character/],
    ['"\\u12G4"', /Bad Unicode escape/],
    ['"a\u0001b"', /Bad control character in string literal/],
    ['tru', /Unexpected character 't'/],
    ['[1] [2]', /after the JSON value/],
    ['NaN', /Unexpected character 'N'/],
  ])('%j is rejected with a parse error', async (input, message) => {
    await expect(roundtrip(input)).rejects.toThrow(message);
  });

  it('rejects nesting deeper than 512 levels instead of overflowing the stack', async () => {
    await expect(roundtrip('['.repeat(10_000) + ']'.repeat(10_000))).rejects.toThrow(/nested deeper than 512/);
    const ok = '['.repeat(512) + ']'.repeat(512);
    expect(await roundtrip(ok)).toBe(ok);
  });

  it('keeps working after a parse error (no trap, instance intact)', async () => {
    await expect(roundtrip('{')).rejects.toThrow(/Unexpected end of JSON input/);
    expect(await roundtrip('{"still":"fine"}')).toBe('{"still":"fine"}');
  });
});

describe('JsonValue API', () => {
  it('builds, overwrites in place, removes, and reads with fallbacks', async () => {
    const doc = JSON.parse(await callText(plugin, 'json_build')) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['title', 'int', 'neg', 'yes', 'nothing', 'list', 'keys', 'titleBack', 'missingNumber', 'wrongType', 'listLength', 'second', 'outOfRangeIsNull']);
    expect(doc).toEqual({
      title: 'Grüße "quoted"\n',
      int: 43,
      neg: -0.5,
      yes: true,
      nothing: null,
      list: [1, 'two', {}],
      keys: ['title', 'int', 'neg', 'yes', 'nothing', 'list'],
      titleBack: 'Grüße "quoted"\n',
      missingNumber: 7,
      wrongType: false,
      listLength: 3,
      second: 'two',
      outOfRangeIsNull: true,
    });
  });

  it('Json.quote matches JSON.stringify for a string', async () => {
    for (const s of ['', 'plain', 'a"b\\c', 'tab\tnew\nline', '\u0001\u001f', '日本語 😀']) {
      expect(await callText(plugin, 'json_quote', s)).toBe(JSON.stringify(s));
    }
  });
});
