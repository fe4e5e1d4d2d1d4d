/**
 * Example plugin `content-validator`.
 *
 * - Hook `before_save`, input `{ "type", "title", "body", "slug"? }`: trims `title`; when
 *   `slug` is missing or empty derives it from the title (lowercase ASCII letters and digits,
 *   common Latin accents folded, everything else collapsed to single dashes; "untitled" when
 *   nothing is left). Fails via error_set when the trimmed title is empty or the body has more
 *   than `max_body_chars` characters (Unicode code points; default 100000).
 * - Event `content.created` (`on_event`): counts events and logs them at info level.
 * - Command `stats` (`handle_command`, input `{ "command": "stats", "args": {} }`): outputs
 *   `{ "validated": n, "rejected": n, "events": n }`. Counters are per instance and start at 0.
 */
import { Config, Input, Json, JsonValue, Log, Output, fail } from "../../../../sdk/assembly/index";

let maxBodyChars: f64 = 100000;
let validated = 0;
let rejected = 0;
let events = 0;

export function initialize(): i32 {
  const max = Config.json().getNumber("max_body_chars", 100000);
  if (!(max >= 1)) {
    fail("max_body_chars must be a number ≥ 1");
    return 1;
  }
  maxBodyChars = max;
  return 0;
}

export function hook_before_save(): i32 {
  const r = Input.json();
  if (!r.ok || !r.value.isObject()) {
    return reject("before_save input must be a JSON object: " + (r.ok ? "got " + r.value.toString() : r.error));
  }
  const doc = r.value;
  const title = doc.getString("title").trim();
  if (title.length == 0) return reject("title is required");
  const chars = codePoints(doc.getString("body"));
  if (<f64>chars > maxBodyChars) {
    return reject("body has " + chars.toString() + " characters, more than the " + (<i64>maxBodyChars).toString() + " allowed");
  }
  doc.setString("title", title);
  if (doc.getString("slug").length == 0) doc.setString("slug", slugify(title));
  validated++;
  Output.json(doc);
  return 0;
}

export function on_event(): i32 {
  events++;
  const r = Input.json();
  const type = r.ok ? r.value.getString("type", "(no type)") : "(not json)";
  Log.info("content-validator: event " + type + " (#" + events.toString() + ")");
  return 0;
}

export function handle_command(): i32 {
  const r = Input.json();
  const command = r.ok ? r.value.getString("command") : "";
  if (command != "stats") {
    fail("unknown command " + Json.quote(command));
    return 1;
  }
  const stats: JsonValue = Json.object()
    .setNumber("validated", validated)
    .setNumber("rejected", rejected)
    .setNumber("events", events);
  Output.json(stats);
  return 0;
}

function reject(reason: string): i32 {
  rejected++;
  fail(reason);
  return 1;
}

function codePoints(text: string): i32 {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

// Latin-1 letters À..ÿ folded to ASCII ("" = separator), indexed by code - 0xC0.
const FOLD: StaticArray<string> = [
  "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
  "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
  "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
  "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
];

function slugify(title: string): string {
  let slug = "";
  let pendingDash = false;
  for (let i = 0; i < title.length; i++) {
    const c = title.charCodeAt(i);
    let piece = "";
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) piece = String.fromCharCode(c);
    else if (c >= 0x41 && c <= 0x5a) piece = String.fromCharCode(c + 0x20);
    else if (c >= 0xc0 && c <= 0xff) piece = FOLD[c - 0xc0];
    if (piece.length == 0) {
      pendingDash = slug.length > 0;
      continue;
    }
    if (pendingDash) slug += "-";
    pendingDash = false;
    slug += piece;
  }
  return slug.length > 0 ? slug : "untitled";
}
