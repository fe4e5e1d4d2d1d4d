/**
 * A strict JSON parser (RFC 8259) that never aborts: malformed input yields a
 * {@link JsonParseResult} with `ok == false` and a message with the position.
 *
 * Strict means: no comments, no trailing commas, no single quotes, no leading zeros, no raw
 * control characters in strings, nothing but whitespace after the value. Duplicate keys keep
 * the first position and the last value, as JavaScript's JSON.parse does. Nesting is capped
 * at {@link MAX_DEPTH} so hostile input cannot overflow the wasm stack.
 *
 * @example
 * ```ts
 * const r = parse('{"a":[1,"x"]}');
 * if (!r.ok) fail(r.error);
 * r.value.get("a")!.length; // 2
 * ```
 */
import { StringBuilder } from "./builder";
import { parseDecimal } from "./decimal";
import { JsonKind, JsonValue } from "./value";

/** Deepest array/object nesting accepted. */
export const MAX_DEPTH: i32 = 512;

/**
 * Outcome of a parse: `value` is the parsed tree when `ok`, JSON null otherwise.
 *
 * @example
 * ```ts
 * const r = parse("[1,]");
 * r.ok;    // false
 * r.error; // "Unexpected character ']' at position 3"
 * ```
 */
export class JsonParseResult {
  constructor(
    /** Whether the whole text was one valid JSON value. */
    public ok: bool,
    /** The parsed value (JSON null when !ok). */
    public value: JsonValue,
    /** Why parsing failed, with a UTF-16 position; "" when ok. */
    public error: string,
    /** UTF-16 offset of the failure; -1 when ok. */
    public position: i32,
  ) {}
}

/**
 * Parses JSON text.
 *
 * @example
 * ```ts
 * parse('"\\u00e9"').value.asString(); // "é"
 * ```
 */
export function parse(text: string): JsonParseResult {
  const p = new Parser(text);
  p.skipWhitespace();
  const value = p.parseValue(0);
  if (p.error.length == 0) {
    p.skipWhitespace();
    if (p.pos < p.len) p.fail("Unexpected " + p.describe() + " after the JSON value");
  }
  if (p.error.length > 0) {
    return new JsonParseResult(false, new JsonValue(JsonKind.Null), p.error, p.errorPos);
  }
  return new JsonParseResult(true, value, "", -1);
}

class Parser {
  pos: i32 = 0;
  len: i32;
  error: string = "";
  errorPos: i32 = -1;
  private text: string;

  constructor(text: string) {
    this.text = text;
    this.len = text.length;
  }

  /** Records the first failure; later ones are consequences of it. */
  fail(message: string): void {
    if (this.error.length > 0) return;
    this.error = message;
    this.errorPos = this.pos;
  }

  /** The character at pos, for messages. */
  describe(): string {
    if (this.pos >= this.len) return "end of JSON input";
    const c = this.peek();
    if (c < 0x20) return "control character U+" + hex4(c) + " at position " + this.pos.toString();
    return "character '" + String.fromCharCode(c) + "' at position " + this.pos.toString();
  }

  unexpected(): void {
    this.fail(this.pos >= this.len ? "Unexpected end of JSON input" : "Unexpected " + this.describe());
  }

  @inline peek(): i32 {
    return this.pos < this.len ? <i32>this.text.charCodeAt(this.pos) : -1;
  }

  skipWhitespace(): void {
    while (this.pos < this.len) {
      const c = this.peek();
      if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
      this.pos++;
    }
  }

  parseValue(depth: i32): JsonValue {
    const c = this.peek();
    if (c == 0x7b) return this.parseObject(depth + 1); // {
    if (c == 0x5b) return this.parseArray(depth + 1); // [
    if (c == 0x22) return JsonValue.fromString(this.parseString());
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
    if (this.matchWord("true")) return JsonValue.fromBool(true);
    if (this.matchWord("false")) return JsonValue.fromBool(false);
    if (this.matchWord("null")) return new JsonValue(JsonKind.Null);
    this.unexpected();
    return new JsonValue(JsonKind.Null);
  }

  private matchWord(word: string): bool {
    const n = word.length;
    if (this.pos + n > this.len) return false;
    for (let i = 0; i < n; i++) {
      if (this.text.charCodeAt(this.pos + i) != word.charCodeAt(i)) return false;
    }
    this.pos += n;
    return true;
  }

  private parseObject(depth: i32): JsonValue {
    const obj = new JsonValue(JsonKind.Object);
    if (depth > MAX_DEPTH) {
      this.fail("JSON nested deeper than " + MAX_DEPTH.toString() + " levels at position " + this.pos.toString());
      return obj;
    }
    this.pos++; // {
    this.skipWhitespace();
    if (this.peek() == 0x7d) {
      this.pos++;
      return obj;
    }
    while (true) {
      if (this.peek() != 0x22) {
        this.unexpected();
        return obj;
      }
      const key = this.parseString();
      if (this.error.length > 0) return obj;
      this.skipWhitespace();
      if (this.peek() != 0x3a) {
        this.unexpected();
        return obj;
      }
      this.pos++; // :
      this.skipWhitespace();
      const value = this.parseValue(depth);
      if (this.error.length > 0) return obj;
      obj.set(key, value);
      this.skipWhitespace();
      const c = this.peek();
      if (c == 0x2c) {
        this.pos++;
        this.skipWhitespace();
        continue;
      }
      if (c == 0x7d) {
        this.pos++;
        return obj;
      }
      this.unexpected();
      return obj;
    }
  }

  private parseArray(depth: i32): JsonValue {
    const arr = new JsonValue(JsonKind.Array);
    if (depth > MAX_DEPTH) {
      this.fail("JSON nested deeper than " + MAX_DEPTH.toString() + " levels at position " + this.pos.toString());
      return arr;
    }
    this.pos++; // [
    this.skipWhitespace();
    if (this.peek() == 0x5d) {
      this.pos++;
      return arr;
    }
    while (true) {
      const value = this.parseValue(depth);
      if (this.error.length > 0) return arr;
      arr.push(value);
      this.skipWhitespace();
      const c = this.peek();
      if (c == 0x2c) {
        this.pos++;
        this.skipWhitespace();
        continue;
      }
      if (c == 0x5d) {
        this.pos++;
        return arr;
      }
      this.unexpected();
      return arr;
    }
  }

  /** Parses a string literal starting at the opening quote; returns its value. */
  private parseString(): string {
    this.pos++; // opening quote
    const text = this.text;
    let runStart = this.pos;
    let out: StringBuilder | null = null; // only allocated once an escape shows up
    while (true) {
      if (this.pos >= this.len) {
        this.fail("Unterminated string in JSON at position " + this.pos.toString());
        return "";
      }
      const c = <i32>text.charCodeAt(this.pos);
      if (c == 0x22) {
        let value: string;
        if (out === null) {
          value = text.substring(runStart, this.pos);
        } else {
          out.appendRange(text, runStart, this.pos);
          value = out.toString();
        }
        this.pos++;
        return value;
      }
      if (c < 0x20) {
        this.fail("Bad control character in string literal in JSON at position " + this.pos.toString());
        return "";
      }
      if (c != 0x5c) {
        this.pos++;
        continue;
      }
      // Backslash escape.
      if (out === null) out = new StringBuilder(this.pos - runStart + 16);
      out.appendRange(text, runStart, this.pos);
      this.pos++;
      const e = this.peek();
      let unit: i32 = -1;
      if (e == 0x22) unit = 0x22;
      else if (e == 0x5c) unit = 0x5c;
      else if (e == 0x2f) unit = 0x2f;
      else if (e == 0x62) unit = 0x08;
      else if (e == 0x66) unit = 0x0c;
      else if (e == 0x6e) unit = 0x0a;
      else if (e == 0x72) unit = 0x0d;
      else if (e == 0x74) unit = 0x09;
      else if (e == 0x75) {
        // \uXXXX: surrogate halves are kept as code units, so an escaped pair
        // ("\ud83d\ude00") becomes one character, exactly as in JavaScript.
        let code = 0;
        for (let k = 1; k <= 4; k++) {
          const h = this.pos + k < this.len ? hexValue(<i32>text.charCodeAt(this.pos + k)) : -1;
          if (h < 0) {
            this.pos += k;
            this.fail("Bad Unicode escape in JSON at position " + this.pos.toString());
            return "";
          }
          code = (code << 4) | h;
        }
        this.pos += 4;
        unit = code;
      } else {
        this.fail("Bad escaped character in JSON at position " + this.pos.toString());
        return "";
      }
      out.appendCode(unit);
      this.pos++;
      runStart = this.pos;
    }
  }

  private parseNumber(): JsonValue {
    const start = this.pos;
    if (this.peek() == 0x2d) this.pos++;
    const first = this.peek();
    if (first == 0x30) {
      this.pos++;
    } else if (first >= 0x31 && first <= 0x39) {
      this.skipDigits();
    } else {
      this.fail("No number after minus sign in JSON at position " + this.pos.toString());
      return new JsonValue(JsonKind.Null);
    }
    if (this.peek() == 0x2e) {
      this.pos++;
      if (!isDigit(this.peek())) {
        this.fail("Unterminated fractional number in JSON at position " + this.pos.toString());
        return new JsonValue(JsonKind.Null);
      }
      this.skipDigits();
    }
    const e = this.peek();
    if (e == 0x65 || e == 0x45) {
      this.pos++;
      const sign = this.peek();
      if (sign == 0x2b || sign == 0x2d) this.pos++;
      if (!isDigit(this.peek())) {
        this.fail("Exponent part is missing a number in JSON at position " + this.pos.toString());
        return new JsonValue(JsonKind.Null);
      }
      this.skipDigits();
    }
    return JsonValue.fromNumber(parseDecimal(this.text, start, this.pos));
  }

  private skipDigits(): void {
    while (isDigit(this.peek())) this.pos++;
  }
}

@inline function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

function hex4(c: i32): string {
  const digits = "0123456789ABCDEF";
  let s = "";
  for (let shift = 12; shift >= 0; shift -= 4) s += digits.charAt((c >> shift) & 0xf);
  return s;
}
