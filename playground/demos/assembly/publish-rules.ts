/**
 * Demo `publish-rules`: the two hook kinds whose results are not the data itself.
 *
 * - Guard `publish_check` (declared with `kind = "guard"` in its plugin.toml), input a document
 *   `{ "title", "body", "meta"? }`: `{"allow":false,"reason":…}` when the trimmed title is empty,
 *   else `{"allow":true}`. The host resolves the hook with `{ allowed, reason?, pluginId? }`.
 * - Collect `validate_data` (predefined), same input: one finding `{ path, message }` per thing
 *   an editor should fix (no title, a body under ten words, no meta description); the host
 *   merges them into `{ valid, errors: [{ pluginId, path, message }] }`.
 */
import { Input, Json, JsonValue, Output, fail } from "../../../sdk/assembly/index";

const MIN_WORDS = 10;

export function hook_publish_check(): i32 {
  const doc = document();
  if (doc === null) return 1;
  const verdict = Json.object();
  if (doc.getString("title").trim().length == 0) verdict.setBool("allow", false).setString("reason", "a document needs a title before it is published");
  else verdict.setBool("allow", true);
  Output.json(verdict);
  return 0;
}

export function hook_validate_data(): i32 {
  const doc = document();
  if (doc === null) return 1;
  const findings = Json.array();
  if (doc.getString("title").trim().length == 0) findings.push(finding("title", "is required"));
  const words = wordCount(doc.getString("body"));
  if (words < MIN_WORDS) findings.push(finding("body", "has " + words.toString() + " word(s); write at least " + MIN_WORDS.toString()));
  const meta = doc.get("meta");
  if (meta === null || meta.getString("description").length == 0) findings.push(finding("meta.description", "is missing: search results show it"));
  Output.json(findings);
  return 0;
}

function document(): JsonValue | null {
  const r = Input.json();
  if (!r.ok || !r.value.isObject()) {
    fail("the input must be a JSON object: " + (r.ok ? "got " + r.value.toString() : r.error));
    return null;
  }
  return r.value;
}

function finding(path: string, message: string): JsonValue {
  return Json.object().setString("path", path).setString("message", message);
}

function wordCount(text: string): i32 {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c == 32 || c == 9 || c == 10 || c == 13;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}
