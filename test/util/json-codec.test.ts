import { describe, it, expect } from 'vitest';
import { decodeJson, encodeJson, utf8Length } from '../../src/util/json-codec.ts';
import { GuestError, PluginError } from '../../src/errors.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

function thrown(fn: () => unknown): GuestError {
  let error: unknown;
  try {
    fn();
  } catch (err) {
    error = err;
  }
  expect(error, 'expected a GuestError').toBeInstanceOf(GuestError);
  return error as GuestError;
}

describe('encodeJson', () => {
  it('serializes JSON data', () => {
    const data = { title: 'Hi', n: 1.5, list: [1, 'two', null, true], nested: { é: '✓' } };
    const text = encodeJson(data, 'seo', 'hook_x');
    expect(JSON.parse(text)).toStrictEqual(data);
  });

  it('serializes scalars and null', () => {
    expect(encodeJson(null, 'p', 'op')).toBe('null');
    expect(encodeJson(0, 'p', 'op')).toBe('0');
    expect(encodeJson('s', 'p', 'op')).toBe('"s"');
    expect(encodeJson(false, 'p', 'op')).toBe('false');
  });

  it('follows JSON.stringify for nested undefined and toJSON', () => {
    expect(encodeJson({ a: undefined, b: 1 }, 'p', 'op')).toBe('{"b":1}');
    expect(encodeJson([undefined], 'p', 'op')).toBe('[null]');
    expect(encodeJson(new Date('2026-01-01T00:00:00.000Z'), 'p', 'op')).toBe('"2026-01-01T00:00:00.000Z"');
  });

  it('a cycle is E_INPUT with pluginId, operation and cause', () => {
    const data: Record<string, unknown> = { a: 1 };
    data['self'] = data;
    const err = thrown(() => encodeJson(data, 'seo', 'hook_after_render'));
    expect(err).toBeInstanceOf(PluginError);
    expect(err.code).toBe('E_INPUT');
    expect(err.pluginId).toBe('seo');
    expect(err.operation).toBe('hook_after_render');
    expect(err.cause).toBeInstanceOf(TypeError);
    expect(err.message).toContain('hook_after_render');
    expect(err.message.startsWith('[seo] ')).toBe(true);
  });

  it('a BigInt (top-level or nested) is E_INPUT', () => {
    for (const data of [10n, { n: 10n }, [1, 2n]]) {
      const err = thrown(() => encodeJson(data, 'p', 'op'));
      expect(err.code).toBe('E_INPUT');
      expect(err.pluginId).toBe('p');
    }
  });

  it('a top-level undefined, function or symbol is E_INPUT naming its type', () => {
    for (const [data, type] of [
      [undefined, 'undefined'],
      [() => 1, 'function'],
      [Symbol('s'), 'symbol'],
    ] as const) {
      const err = thrown(() => encodeJson(data, 'p', 'op'));
      expect(err.code).toBe('E_INPUT');
      expect(err.pluginId).toBe('p');
      expect(err.operation).toBe('op');
      expect(err.message).toContain(type);
    }
  });

  it('a throwing toJSON is E_INPUT carrying the original error', () => {
    const original = new Error('nope');
    const err = thrown(() =>
      encodeJson(
        {
          toJSON() {
            throw original;
          },
        },
        'p',
        'op',
      ),
    );
    expect(err.code).toBe('E_INPUT');
    expect(err.cause).toBe(original);
    expect(err.message).toContain('nope');
  });
});

describe('decodeJson', () => {
  it('empty output is undefined ("no result")', () => {
    expect(decodeJson(new Uint8Array(0), 'p', 'op')).toBeUndefined();
  });

  it('parses UTF-8 JSON, including multi-byte characters', () => {
    expect(decodeJson(utf8('{"a":[1,"é✓😀"],"b":null}'), 'p', 'op')).toStrictEqual({ a: [1, 'é✓😀'], b: null });
    expect(decodeJson(utf8('  42 \n'), 'p', 'op')).toBe(42);
    expect(decodeJson(utf8('null'), 'p', 'op')).toBeNull();
  });

  it('reads a view at an offset into a larger buffer', () => {
    const bytes = utf8('xx{"k":1}yy');
    expect(decodeJson(bytes.subarray(2, 9), 'p', 'op')).toStrictEqual({ k: 1 });
  });

  it('invalid UTF-8 is E_OUTPUT with pluginId and operation', () => {
    for (const bytes of [new Uint8Array([0xff]), new Uint8Array([0x22, 0xc3, 0x22]), new Uint8Array([0xed, 0xa0, 0x80])]) {
      const err = thrown(() => decodeJson(bytes, 'seo', 'hook_y'));
      expect(err.code).toBe('E_OUTPUT');
      expect(err.pluginId).toBe('seo');
      expect(err.operation).toBe('hook_y');
      expect(err.message).toMatch(/UTF-8/);
    }
  });

  it('invalid JSON is E_OUTPUT with a preview of the output', () => {
    const err = thrown(() => decodeJson(utf8('{"a": oops}'), 'seo', 'hook_z'));
    expect(err.code).toBe('E_OUTPUT');
    expect(err.pluginId).toBe('seo');
    expect(err.operation).toBe('hook_z');
    expect(err.cause).toBeInstanceOf(SyntaxError);
    expect(err.message).toContain(JSON.stringify('{"a": oops}'));
  });

  it('the preview of long output is cut to 80 characters plus an ellipsis', () => {
    const text = `not json ${'x'.repeat(200)}`;
    const err = thrown(() => decodeJson(utf8(text), 'p', 'op'));
    expect(err.message).toContain(JSON.stringify(`${text.slice(0, 80)}…`));
    expect(err.message).not.toContain(text.slice(0, 81));
  });

  it('whitespace-only or truncated output is E_OUTPUT, not "no result"', () => {
    expect(thrown(() => decodeJson(utf8('   '), 'p', 'op')).code).toBe('E_OUTPUT');
    expect(thrown(() => decodeJson(utf8('{"a":'), 'p', 'op')).code).toBe('E_OUTPUT');
  });

  it('round-trips what encodeJson produces', () => {
    const data = { s: 'a"b\\c\n', n: -0.000123, arr: [[], {}], u: '\u2028' };
    expect(decodeJson(utf8(encodeJson(data, 'p', 'op')), 'p', 'op')).toStrictEqual(data);
  });
});

describe('utf8Length', () => {
  it('counts UTF-8 bytes, not UTF-16 units', () => {
    expect(utf8Length('')).toBe(0);
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('✓')).toBe(3);
    expect(utf8Length('😀')).toBe(4);
    expect(utf8Length('a😀é')).toBe(utf8('a😀é').byteLength);
  });
});
