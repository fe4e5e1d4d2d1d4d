/**
 * The ReedCMS plugin SDK for AssemblyScript.
 *
 * A plugin exports functions named after the ABI (docs/abi.md): `initialize`, `shutdown`,
 * `hook_<name>`, `on_event`, `handle_command`, each `(): i32` returning 0 on success.
 *
 * @example
 * ```ts
 * import { Input, Output, Log, fail } from "../../../../sdk/assembly";
 *
 * export function hook_before_save(): i32 {
 *   const r = Input.json();
 *   if (!r.ok) { fail("input is not JSON: " + r.error); return 1; }
 *   const doc = r.value;
 *   doc.setString("title", doc.getString("title").trim());
 *   Output.json(doc);
 *   return 0;
 * }
 * ```
 */
export { Input } from "./input";
export { Output } from "./output";
export { Log } from "./log";
export { Config, CONFIG_JSON_KEY } from "./config";
export { Events } from "./events";
export { fail } from "./fail";
export { Http, HttpRequest, HttpResponse } from "./http";
export { FastIO } from "./fast-io";
export { reedAbort } from "./abort";
export { Json, JsonKind, JsonValue, JsonParseResult, MAX_DEPTH, StringBuilder } from "./json/index";
