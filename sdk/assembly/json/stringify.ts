/**
 * JSON serialization with the same output as JavaScript's `JSON.stringify` (ES2019, well-formed):
 * `"` `\` and control characters escaped, lone surrogates written as `\udXXX`, everything else
 * (including non-ASCII and valid surrogate pairs) written as is, non-finite numbers as `null`.
 *
 * @example
 * ```ts
 * stringify(Json.string("tab\there")); // "\"tab\\there\""
 * ```
 */
import { StringBuilder } from "./builder";
import { shortestDigits } from "./decimal";
import { JsonKind, JsonValue } from "./value";

const HEX = "0123456789abcdef";

/**
 * Serializes a value tree to compact JSON.
 *
 * @example
 * ```ts
 * stringify(Json.object().setNumber("n", 1)); // {"n":1}
 * ```
 */
export function stringify(value: JsonValue): string {
  const out = new StringBuilder();
  writeValue(out, value);
  return out.toString();
}

/**
 * Writes `text` as a quoted JSON string literal.
 *
 * @example
 * ```ts
 * quote("a\nb"); // "\"a\\nb\""
 * ```
 */
export function quote(text: string): string {
  const out = new StringBuilder(text.length + 2);
  writeString(out, text);
  return out.toString();
}

/**
 * Formats a number as JavaScript does for JSON: integers without a fraction, -0 as 0,
 * NaN and ±Infinity as null.
 *
 * @example
 * ```ts
 * formatNumber(3.0); // "3"
 * formatNumber(0.5); // "0.5"
 * ```
 */
export function formatNumber(n: f64): string {
  if (!isFinite(n)) return "null";
  // AssemblyScript prints 3.0 as "3.0"; JavaScript prints "3". Exact integers below 2^53 go
  // through the integer printer (the f64 -> i64 conversion is exact there).
  if (n == Math.trunc(n) && Math.abs(n) < 9007199254740992.0) {
    return (<i64>n).toString();
  }
  const text = n.toString();
  // AssemblyScript's Grisu2 output always reads back as the same double but is sometimes one
  // or two digits longer than JavaScript's shortest form; long outputs are redone exactly.
  if (significantDigits(text) >= 16) {
    const s = shortestDigits(Math.abs(n));
    return (n < 0 ? "-" : "") + formatDigits(s.digits, s.dp);
  }
  // Integers of 2^53 and above also print with ".0" (JavaScript: none).
  return text.endsWith(".0") ? text.substring(0, text.length - 2) : text;
}

function significantDigits(text: string): i32 {
  let count = 0;
  let leading = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 0x65 || c == 0x45) break; // exponent
    if (c < 0x30 || c > 0x39) continue;
    if (leading && c == 0x30) continue;
    leading = false;
    count++;
  }
  return count;
}

/** JavaScript's Number::toString layout for value = 0.digits × 10^dp. */
function formatDigits(digits: string, dp: i32): string {
  const k = digits.length;
  if (k <= dp && dp <= 21) return digits + "0".repeat(dp - k);
  if (0 < dp && dp <= 21) return digits.substring(0, dp) + "." + digits.substring(dp);
  if (-6 < dp && dp <= 0) return "0." + "0".repeat(-dp) + digits;
  const e = dp - 1;
  const mantissa = k == 1 ? digits : digits.substring(0, 1) + "." + digits.substring(1);
  return mantissa + "e" + (e < 0 ? "-" : "+") + abs(e).toString();
}

function writeValue(out: StringBuilder, value: JsonValue): void {
  switch (value.kind) {
    case JsonKind.Null:
      out.append("null");
      break;
    case JsonKind.Bool:
      out.append(value.asBool() ? "true" : "false");
      break;
    case JsonKind.Number:
      out.append(formatNumber(value.asNumber()));
      break;
    case JsonKind.String:
      writeString(out, value.asString());
      break;
    case JsonKind.Array: {
      const items = value.values();
      out.appendCode(0x5b); // [
      for (let i = 0; i < items.length; i++) {
        if (i > 0) out.appendCode(0x2c); // ,
        writeValue(out, items[i]);
      }
      out.appendCode(0x5d); // ]
      break;
    }
    case JsonKind.Object: {
      const keys = value.keys();
      const items = value.values();
      out.appendCode(0x7b); // {
      for (let i = 0; i < keys.length; i++) {
        if (i > 0) out.appendCode(0x2c);
        writeString(out, keys[i]);
        out.appendCode(0x3a); // :
        writeValue(out, items[i]);
      }
      out.appendCode(0x7d); // }
      break;
    }
  }
}

function writeString(out: StringBuilder, text: string): void {
  out.appendCode(0x22);
  const n = text.length;
  // Copy runs of characters that need no escaping in one go.
  let runStart = 0;
  for (let i = 0; i < n; i++) {
    const c = <i32>text.charCodeAt(i);
    let escape: string | null = null;
    let unicodeEscape = false;
    if (c == 0x22) escape = "\\\"";
    else if (c == 0x5c) escape = "\\\\";
    else if (c < 0x20) {
      if (c == 0x08) escape = "\\b";
      else if (c == 0x09) escape = "\\t";
      else if (c == 0x0a) escape = "\\n";
      else if (c == 0x0c) escape = "\\f";
      else if (c == 0x0d) escape = "\\r";
      else unicodeEscape = true;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A high surrogate followed by a low one is a valid pair: keep both. Anything else is a
      // lone surrogate, which UTF-8 cannot carry: escape it.
      if (c <= 0xdbff && i + 1 < n) {
        const next = <i32>text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          i++;
          continue;
        }
      }
      unicodeEscape = true;
    }
    if (escape === null && !unicodeEscape) continue;
    out.appendRange(text, runStart, i);
    if (escape !== null) {
      out.append(escape);
    } else {
      out.append("\\u");
      out.appendCode(HEX.charCodeAt((c >> 12) & 0xf));
      out.appendCode(HEX.charCodeAt((c >> 8) & 0xf));
      out.appendCode(HEX.charCodeAt((c >> 4) & 0xf));
      out.appendCode(HEX.charCodeAt(c & 0xf));
    }
    runStart = i + 1;
  }
  out.appendRange(text, runStart, n);
  out.appendCode(0x22);
}
