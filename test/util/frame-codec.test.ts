/**
 * The host's frame codec (docs/abi.md, "Frames"): what gets framed and what stays JSON, the
 * exact layout, and every malformed frame a plugin could send back being `E_OUTPUT`.
 */
import { describe, expect, it } from 'vitest';
import { decodeOutput, encodeInput, FRAME_MIN_CHARS, FRAME_VERSION } from '../../src/util/frame-codec.ts';
import { GuestError } from '../../src/errors.ts';

const long = (unit: string, chars = FRAME_MIN_CHARS) => unit.repeat(Math.ceil(chars / unit.length));
const utf8 = (text: string) => new TextEncoder().encode(text);

/** Builds a frame by hand from its parts, so the tests check the layout, not the encoder. */
function frame(entries: { key: string | null; value: Uint8Array }[], json: string, version = FRAME_VERSION): Uint8Array {
  const parts: number[] = [0, 0x52, 0x46, version];
  const u32 = (n: number) => parts.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  const jsonBytes = utf8(json);
  u32(entries.length);
  u32(jsonBytes.length);
  for (const { key, value } of entries) {
    if (key === null) u32(0xffffffff);
    else {
      const k = utf8(key);
      u32(k.length);
      parts.push(...k);
    }
    u32(value.length);
  }
  parts.push(...jsonBytes);
  for (const { value } of entries) parts.push(...value);
  return new Uint8Array(parts);
}

function outputError(bytes: Uint8Array): GuestError {
  try {
    decodeOutput(bytes, 'seo', 'hook_after_render');
  } catch (err) {
    expect(err).toBeInstanceOf(GuestError);
    return err as GuestError;
  }
  throw new Error('expected E_OUTPUT');
}

describe('encodeInput', () => {
  it('frames long top-level strings, writing null in their place, byte-exact to the layout', () => {
    const html = long('<p class="x">Grüße 😀</p>\n');
    const page = { path: '/', html, meta: { lang: 'de' }, body: long('b') };
    const out = encodeInput(page, true, 'seo', 'hook_after_render');
    expect(out).toBeInstanceOf(Uint8Array);
    expect(out).toEqual(
      frame(
        [
          { key: 'html', value: utf8(html) },
          { key: 'body', value: utf8(page.body) },
        ],
        '{"path":"/","html":null,"meta":{"lang":"de"},"body":null}',
      ),
    );
    // The frame owns its whole buffer (Extism adopts such input without copying it).
    expect((out as Uint8Array).byteLength).toBe((out as Uint8Array).buffer.byteLength);
  });

  it('frames a long top-level string as the whole value', () => {
    const text = long('é');
    expect(encodeInput(text, true, 'p', 'op')).toEqual(frame([{ key: null, value: utf8(text) }], 'null'));
  });

  it('keeps JSON text for modules that do not read frames, short strings, nested ones, and anything not plain data', () => {
    const html = long('x');
    class Page {
      constructor(readonly html: string) {}
    }
    const cases: unknown[] = [{ html: 'x'.repeat(FRAME_MIN_CHARS - 1) }, { meta: { html } }, [html], new Page(html), { html, toJSON: () => ({ html: 'replaced' }) }, 42, null];
    for (const data of cases) expect(encodeInput(data, true, 'p', 'op')).toBe(JSON.stringify(data));
    expect(encodeInput({ html }, false, 'p', 'op')).toBe(JSON.stringify({ html }));
  });

  it('keeps a string with a lone surrogate in the JSON, where it survives as \\udXXX', () => {
    const data = { html: `${long('x')}\ud800` };
    expect(encodeInput(data, true, 'p', 'op')).toBe(JSON.stringify(data));
  });

  it('reads each member once for a frame, and a throwing getter is E_INPUT as under JSON', () => {
    let reads = 0;
    const html = long('x');
    const data = {
      get html() {
        reads++;
        return reads === 1 ? html : undefined;
      },
      n: 1,
    };
    const out = encodeInput(data, true, 'p', 'op') as Uint8Array;
    expect(reads).toBe(1);
    expect(decodeOutput(out, 'p', 'op')).toEqual({ html, n: 1 });
    const throwing = {
      get html(): string {
        throw new Error('no html today');
      },
    };
    expect(() => encodeInput(throwing, true, 'seo', 'hook_x')).toThrowError(expect.objectContaining({ code: 'E_INPUT', pluginId: 'seo', message: expect.stringContaining('no html today') }));
  });

  it('reports data JSON cannot represent as E_INPUT, framed or not', () => {
    const data: Record<string, unknown> = { html: long('x'), n: 1n };
    expect(() => encodeInput(data, true, 'seo', 'hook_x')).toThrowError(expect.objectContaining({ code: 'E_INPUT', pluginId: 'seo' }));
  });

  it('frames a 1 MiB page with a member named __proto__ and keeps it a plain member on the way back', () => {
    const data = JSON.parse(`{"__proto__":${JSON.stringify(long('<b>', 1 << 20))},"n":1}`) as Record<string, unknown>;
    const encoded = encodeInput(data, true, 'p', 'op') as Uint8Array;
    const decoded = decodeOutput(encoded, 'p', 'op') as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto__', 'n']);
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(data));
  });
});

describe('decodeOutput', () => {
  it('reads frames back as the same value, member order kept', () => {
    for (const data of [{ a: 1, html: long('Grüße 😀 '), z: [true], text: long('"\\\n') }, long('ß'), { html: long('x'), nothing: null }]) {
      const decoded = decodeOutput(encodeInput(data, true, 'p', 'op') as Uint8Array, 'p', 'op');
      expect(JSON.stringify(decoded)).toBe(JSON.stringify(data));
    }
  });

  it('keeps a leading U+FEFF in framed values and keys (HTML saved with a BOM keeps it)', () => {
    const html = `\uFEFF<!doctype html>${long('y')}`;
    for (const data of [{ html }, { [`\uFEFFkey`]: html }, html]) {
      expect(decodeOutput(encodeInput(data, true, 'p', 'op') as Uint8Array, 'p', 'op')).toEqual(data);
    }
  });

  it('reads JSON text and empty output as before', () => {
    expect(decodeOutput(utf8('{"a":[1]}'), 'p', 'op')).toEqual({ a: [1] });
    expect(decodeOutput(new Uint8Array(0), 'p', 'op')).toBeUndefined();
  });

  it('accepts frames of short strings too (a plugin may frame what it likes)', () => {
    expect(decodeOutput(frame([{ key: 'a', value: utf8('é') }], '{"a":null,"b":2}'), 'p', 'op')).toEqual({ a: 'é', b: 2 });
  });

  const malformed: [string, Uint8Array, RegExp][] = [
    ['a NUL byte that starts no frame', new Uint8Array([0, 1, 2]), /no frame header/],
    ['an unknown version', frame([], 'null', 2), /version 2 is not supported/],
    ['a value running past the end', frame([{ key: 'a', value: utf8('abc') }], '{"a":null}').subarray(0, -1), /runs past the end/],
    ['bytes after the last value', new Uint8Array([...frame([{ key: 'a', value: utf8('abc') }], '{"a":null}'), 0]), /bytes after the last value/],
    ['a value that is not UTF-8', frame([{ key: 'a', value: new Uint8Array([0xff, 0xfe]) }], '{"a":null}'), /not valid UTF-8|encoded data was not valid/i],
    ['a JSON part that is not JSON', frame([{ key: 'a', value: utf8('x') }], '{"a":nul'), /not valid JSON/],
    ['members framed in an array', frame([{ key: 'a', value: utf8('x') }], '[null]'), /not an object/],
    ['a member missing from the JSON', frame([{ key: 'a', value: utf8('x') }], '{"b":null}'), /"a" is not null/],
    ['a member that is not null in the JSON', frame([{ key: 'a', value: utf8('x') }], '{"a":1}'), /"a" is not null/],
    [
      'the same member twice',
      frame(
        [
          { key: 'a', value: utf8('x') },
          { key: 'a', value: utf8('y') },
        ],
        '{"a":null}',
      ),
      /"a" is not null/,
    ],
    [
      'a whole-value entry beside others',
      frame(
        [
          { key: null, value: utf8('x') },
          { key: 'a', value: utf8('y') },
        ],
        'null',
      ),
      /must be the only one/,
    ],
    ['a whole-value entry with JSON besides', frame([{ key: null, value: utf8('x') }], '{}'), /must be the only one/],
  ];
  for (const [what, bytes, message] of malformed) {
    it(`rejects ${what} as E_OUTPUT naming the plugin and the cause`, () => {
      const error = outputError(bytes);
      expect(error.code).toBe('E_OUTPUT');
      expect(error.pluginId).toBe('seo');
      expect(error.message).toMatch(/output frame is malformed/);
      expect(error.message).toMatch(message);
      expect(error.cause).toBeDefined();
    });
  }
});
