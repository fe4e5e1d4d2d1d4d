/**
 * A dynamic JSON value tree: null, bool, number (f64), string, array, object with keys kept in
 * insertion order (like JavaScript objects with non-numeric keys).
 *
 * AssemblyScript has no `any` and no exceptions that can be caught, so JSON is modelled as one
 * tagged class with typed accessors that take a fallback instead of failing. Misusing a value
 * (calling `set` on an array) is a programming error and aborts with a clear message.
 *
 * @example
 * ```ts
 * const page = Json.object().setString("title", "Héllo").setNumber("views", 3);
 * page.getString("title");  // "Héllo"
 * page.toString();          // {"title":"Héllo","views":3}
 * ```
 */
import { stringify } from "./stringify";

/** The kind of a {@link JsonValue}. */
export enum JsonKind {
  Null = 0,
  Bool = 1,
  Number = 2,
  String = 3,
  Array = 4,
  Object = 5,
}

/**
 * One JSON value. Build with the `Json.*` factories or `Json.parse`.
 *
 * @example
 * ```ts
 * const list = Json.array().push(Json.number(1)).push(Json.string("two"));
 * list.length;            // 2
 * list.at(1)!.asString(); // "two"
 * ```
 */
export class JsonValue {
  /** What this value is; read it or use the `is*` helpers. */
  readonly kind: JsonKind;
  private boolValue: bool = false;
  private numberValue: f64 = 0;
  private stringValue: string = "";
  // A string that arrived (or will leave) as UTF-8 bytes, e.g. a framed page's HTML: decoded
  // only when asked for as a string, and sent back as bytes when never decoded or changed.
  private utf8Value: Uint8Array | null = null;
  private utf8Decoded: bool = true;
  // The bytes are known to be well-formed UTF-8 (they came from the host's encoder).
  private utf8Valid: bool = false;
  // Array items, or object values in key order. Containers exist only for arrays/objects so
  // scalars (most values in a document) cost one allocation.
  private items: Array<JsonValue> | null = null;
  private keyList: Array<string> | null = null;
  // key -> index into items/keyList; only for objects.
  private index: Map<string, i32> | null = null;

  constructor(kind: JsonKind) {
    this.kind = kind;
    if (kind == JsonKind.Array || kind == JsonKind.Object) this.items = [];
    if (kind == JsonKind.Object) {
      this.keyList = [];
      this.index = new Map<string, i32>();
    }
  }

  /** @internal Builds a bool value; use `Json.bool`. */
  static fromBool(value: bool): JsonValue {
    const v = new JsonValue(JsonKind.Bool);
    v.boolValue = value;
    return v;
  }

  /** @internal Builds a number value; use `Json.number`. */
  static fromNumber(value: f64): JsonValue {
    const v = new JsonValue(JsonKind.Number);
    v.numberValue = value;
    return v;
  }

  /** @internal Builds a string value; use `Json.string`. */
  static fromString(value: string): JsonValue {
    const v = new JsonValue(JsonKind.String);
    v.stringValue = value;
    return v;
  }

  /** @internal Builds a string value from UTF-8 bytes (kept, not copied); use `Json.utf8`. */
  static fromUtf8(bytes: Uint8Array, knownValid: bool = false): JsonValue {
    const v = new JsonValue(JsonKind.String);
    v.utf8Value = bytes;
    v.utf8Decoded = false;
    v.utf8Valid = knownValid;
    return v;
  }

  /**
   * @internal Whether the UTF-8 bytes are known to be well-formed without checking them (true
   * for strings that arrived framed from the host).
   */
  utf8KnownValid(): bool {
    return this.utf8Valid;
  }

  // --- kind tests ----------------------------------------------------------------------------

  /** @example `Json.parse("null").value.isNull() // true` */
  isNull(): bool { return this.kind == JsonKind.Null; }
  /** @example `Json.bool(true).isBool() // true` */
  isBool(): bool { return this.kind == JsonKind.Bool; }
  /** @example `Json.number(1).isNumber() // true` */
  isNumber(): bool { return this.kind == JsonKind.Number; }
  /** @example `Json.string("").isString() // true` */
  isString(): bool { return this.kind == JsonKind.String; }
  /** @example `Json.array().isArray() // true` */
  isArray(): bool { return this.kind == JsonKind.Array; }
  /** @example `Json.object().isObject() // true` */
  isObject(): bool { return this.kind == JsonKind.Object; }

  // --- scalar accessors ----------------------------------------------------------------------

  /**
   * The boolean, or `fallback` when this is not a bool.
   * @example `Json.bool(true).asBool() // true`
   */
  asBool(fallback: bool = false): bool {
    return this.kind == JsonKind.Bool ? this.boolValue : fallback;
  }

  /**
   * The number, or `fallback` when this is not a number.
   * @example `Json.number(2.5).asNumber() // 2.5`
   */
  asNumber(fallback: f64 = 0): f64 {
    return this.kind == JsonKind.Number ? this.numberValue : fallback;
  }

  /**
   * The string, or `fallback` when this is not a string (no conversion: use toString for JSON).
   * @example `Json.string("hi").asString() // "hi"`
   */
  asString(fallback: string = ""): string {
    if (this.kind != JsonKind.String) return fallback;
    if (!this.utf8Decoded) {
      const bytes = this.utf8Value!;
      this.stringValue = String.UTF8.decodeUnsafe(bytes.dataStart, <usize>bytes.length, false);
      this.utf8Decoded = true;
    }
    return this.stringValue;
  }

  /**
   * The string as UTF-8 bytes, or an empty array when this is not a string. A string that
   * arrived as bytes (a framed member, `Json.utf8`) is returned as is, without decoding: work
   * on a page's HTML as bytes and it never becomes a UTF-16 string at all. Do not modify the
   * result; build new bytes and `set` them with `Json.utf8`.
   * @example `const html = page.get("html")!.asUtf8();`
   */
  asUtf8(): Uint8Array {
    if (this.kind != JsonKind.String) return new Uint8Array(0);
    const bytes = this.utf8Value;
    if (bytes !== null) return bytes;
    const encoded = Uint8Array.wrap(String.UTF8.encode(this.stringValue, false));
    this.utf8Value = encoded;
    return encoded;
  }

  /**
   * Whether this string is held as UTF-8 bytes (so `asUtf8` costs nothing).
   * @example `if (v.hasUtf8()) sendAsBytes(v.asUtf8());`
   */
  hasUtf8(): bool {
    return this.kind == JsonKind.String && this.utf8Value !== null;
  }

  /**
   * The string's length in UTF-16 units, or its UTF-8 byte length when it is held as bytes
   * and not decoded yet (a cheap size for deciding how to send it).
   * @example `if (v.sizeHint() >= 1024) …`
   */
  sizeHint(): i32 {
    if (this.kind != JsonKind.String) return 0;
    return this.utf8Decoded ? this.stringValue.length : this.utf8Value!.length;
  }

  // --- kind tests
  // --- arrays and objects --------------------------------------------------------------------

  /**
   * Number of items (array) or keys (object); 0 for anything else.
   * @example `Json.array().push(Json.nullValue()).length // 1`
   */
  get length(): i32 {
    const items = this.items;
    return items === null ? 0 : items.length;
  }

  /**
   * The array item at `i`, or null when out of range or not an array.
   * @example `Json.parse("[1,2]").value.at(1)!.asNumber() // 2`
   */
  at(i: i32): JsonValue | null {
    if (this.kind != JsonKind.Array) return null;
    const items = this.items!;
    if (i < 0 || i >= items.length) return null;
    return items[i];
  }

  /**
   * Appends to an array and returns the array (for chaining).
   * @example `Json.array().push(Json.string("a"))`
   */
  push(item: JsonValue): JsonValue {
    this.expect(JsonKind.Array, "push");
    this.items!.push(item);
    return this;
  }

  /**
   * A copy of the array's items (or the object's values, in key order).
   * @example `for (let i = 0; i < v.values().length; i++) { … }`
   */
  values(): Array<JsonValue> {
    const items = this.items;
    return items === null ? new Array<JsonValue>() : items.slice(0);
  }

  /**
   * A copy of the object's keys in insertion order; empty for non-objects.
   * @example `Json.parse('{"b":1,"a":2}').value.keys() // ["b", "a"]`
   */
  keys(): Array<string> {
    const keys = this.keyList;
    return keys === null ? new Array<string>() : keys.slice(0);
  }

  /**
   * Whether an object has `key`.
   * @example `Json.object().setNull("x").has("x") // true`
   */
  has(key: string): bool {
    const index = this.index;
    return index !== null && index.has(key);
  }

  /**
   * The object member `key`, or null when absent or not an object.
   * @example `page.get("meta")`
   */
  get(key: string): JsonValue | null {
    const index = this.index;
    if (index === null || !index.has(key)) return null;
    return this.items![index.get(key)];
  }

  /**
   * Sets an object member, keeping the position of an existing key; returns the object.
   * @example `Json.object().set("tags", Json.array())`
   */
  set(key: string, value: JsonValue): JsonValue {
    this.expect(JsonKind.Object, "set");
    const index = this.index!;
    const items = this.items!;
    if (index.has(key)) {
      items[index.get(key)] = value;
    } else {
      index.set(key, items.length);
      this.keyList!.push(key);
      items.push(value);
    }
    return this;
  }

  /**
   * Removes an object member; returns whether it was there.
   * @example `page.remove("draft")`
   */
  remove(key: string): bool {
    const index = this.index;
    if (index === null || !index.has(key)) return false;
    const keyList = this.keyList!;
    const at = index.get(key);
    this.items!.splice(at, 1);
    keyList.splice(at, 1);
    index.delete(key);
    // Later members moved down by one.
    for (let i = at; i < keyList.length; i++) index.set(keyList[i], i);
    return true;
  }

  /** @example `obj.setString("slug", "hello-world")` */
  setString(key: string, value: string): JsonValue { return this.set(key, JsonValue.fromString(value)); }
  /** @example `obj.setNumber("count", 3)` */
  setNumber(key: string, value: f64): JsonValue { return this.set(key, JsonValue.fromNumber(value)); }
  /** @example `obj.setBool("ok", true)` */
  setBool(key: string, value: bool): JsonValue { return this.set(key, JsonValue.fromBool(value)); }
  /** @example `obj.setNull("deleted")` */
  setNull(key: string): JsonValue { return this.set(key, new JsonValue(JsonKind.Null)); }

  /**
   * Member `key` as a string, or `fallback` when absent or not a string.
   * @example `page.getString("title", "Untitled")`
   */
  getString(key: string, fallback: string = ""): string {
    const v = this.get(key);
    return v === null ? fallback : v.asString(fallback);
  }

  /**
   * Member `key` as a number, or `fallback` when absent or not a number.
   * @example `config.getNumber("words_per_minute", 200)`
   */
  getNumber(key: string, fallback: f64 = 0): f64 {
    const v = this.get(key);
    return v === null ? fallback : v.asNumber(fallback);
  }

  /**
   * Member `key` as a bool, or `fallback` when absent or not a bool.
   * @example `config.getBool("enabled", true)`
   */
  getBool(key: string, fallback: bool = false): bool {
    const v = this.get(key);
    return v === null ? fallback : v.asBool(fallback);
  }

  /**
   * Serializes to compact JSON text (same output as JavaScript's JSON.stringify).
   * @example `Json.string("a\"b").toString() // "\"a\\\"b\""`
   */
  toString(): string {
    return stringify(this);
  }

  private expect(kind: JsonKind, op: string): void {
    if (this.kind != kind) {
      throw new Error("JsonValue." + op + ": value is not " + (kind == JsonKind.Array ? "an array" : "an object"));
    }
  }
}
