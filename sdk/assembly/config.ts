/**
 * The plugin's configuration. The ReedCMS host stores every top-level key of the plugin's
 * config as an Extism config entry (strings as they are, other values as JSON text) and the
 * whole config as JSON under {@link CONFIG_JSON_KEY}.
 *
 * @example
 * ```ts
 * const base = Config.get("base_url");               // string | null
 * const wpm = Config.json().getNumber("words_per_minute", 200);
 * ```
 */
import { config_get } from "./env";
import { blockFromString, stringFromBlock } from "./memory";
import { Json, JsonValue } from "./json/index";

/** The Extism config key holding the whole plugin config as JSON. */
export const CONFIG_JSON_KEY = "reed.config";

export namespace Config {
  /**
   * The config entry `key`, or null when it is not set.
   * @example `const url = Config.get("base_url");`
   */
  export function get(key: string): string | null {
    // The host frees the key block; a result of 0 means "not set".
    const block = config_get(blockFromString(key));
    if (block == 0) return null;
    return stringFromBlock(block);
  }

  /**
   * The config entry `key`, or `fallback` when it is not set.
   * @example `const url = Config.getOr("base_url", "");`
   */
  export function getOr(key: string, fallback: string): string {
    const value = get(key);
    return value === null ? fallback : value;
  }

  /**
   * The whole config as a JSON object; an empty object when there is none or it is not a JSON
   * object (a plain Extism host that never set `reed.config`).
   * @example `Config.json().getBool("enabled", true)`
   */
  export function json(): JsonValue {
    const text = get(CONFIG_JSON_KEY);
    if (text === null) return Json.object();
    const r = Json.parse(text);
    return r.ok && r.value.isObject() ? r.value : Json.object();
  }
}
