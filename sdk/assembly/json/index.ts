/**
 * Dynamic JSON for AssemblyScript plugins: parse into a {@link JsonValue} tree, read and edit
 * it, serialize it back. Named `Json` (not `JSON`) so it never shadows a global.
 *
 * @example
 * ```ts
 * import { Json } from "./json";
 * const r = Json.parse('{"title":"Hi"}');
 * if (r.ok) r.value.setString("slug", "hi");
 * Json.stringify(r.value); // {"title":"Hi","slug":"hi"}
 * ```
 */
import { JsonKind, JsonValue } from "./value";
import { JsonParseResult, parse as parseText } from "./parse";
import { quote as quoteText, stringify as stringifyValue } from "./stringify";

export { JsonKind, JsonValue } from "./value";
export { JsonParseResult, MAX_DEPTH } from "./parse";
export { StringBuilder } from "./builder";

// Members named `string`/`bool` shadow those types inside the namespace, hence the aliases.
type Str = string;
type Bool = bool;

export namespace Json {
  /** Parses JSON text; never aborts. @example `Json.parse("[1,2]").value.length // 2` */
  export function parse(text: Str): JsonParseResult {
    return parseText(text);
  }
  /** Compact JSON text for a value. @example `Json.stringify(Json.bool(true)) // "true"` */
  export function stringify(value: JsonValue): Str {
    return stringifyValue(value);
  }
  /** A quoted, escaped JSON string literal. @example `Json.quote("a\"b") // "\"a\\\"b\""` */
  export function quote(text: Str): Str {
    return quoteText(text);
  }
  /** JSON null. @example `Json.nullValue().isNull() // true` */
  export function nullValue(): JsonValue {
    return new JsonValue(JsonKind.Null);
  }
  /** @example `Json.bool(false)` */
  export function bool(value: Bool): JsonValue {
    return JsonValue.fromBool(value);
  }
  /** @example `Json.number(42)` */
  export function number(value: f64): JsonValue {
    return JsonValue.fromNumber(value);
  }
  /** @example `Json.string("héllo")` */
  export function string(value: Str): JsonValue {
    return JsonValue.fromString(value);
  }
  /**
   * A string given as UTF-8 bytes (kept, not copied; decoded only if read as a string).
   * @example `page.set("html", Json.utf8(newHtmlBytes))`
   */
  export function utf8(bytes: Uint8Array): JsonValue {
    return JsonValue.fromUtf8(bytes);
  }
  /** An empty array. @example `Json.array().push(Json.number(1))` */
  export function array(): JsonValue {
    return new JsonValue(JsonKind.Array);
  }
  /** An empty object. @example `Json.object().setString("a", "b")` */
  export function object(): JsonValue {
    return new JsonValue(JsonKind.Object);
  }
}
