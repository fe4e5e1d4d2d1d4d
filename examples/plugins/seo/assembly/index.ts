/**
 * Example plugin `seo`: on `after_render`, inserts before `</head>`:
 *   <meta name="description" content="…">        (when meta.description is a non-empty string)
 *   <meta property="og:title" content="…">        (page title)
 *   <meta property="og:description" content="…"> (when there is a description)
 *   <link rel="canonical" href="<base_url><path>">
 * Attribute values are HTML-escaped; a tag whose kind the head already has is not added twice.
 * A page without `</head>` is returned unchanged (empty output). Config: `base_url` (string).
 *
 * Input/output: `{ "path", "title", "html", "meta": { "description"?, … } }`.
 */
import { Config, Input, Log, Output, fail } from "../../../../sdk/assembly/index";

let baseUrl = "";

export function initialize(): i32 {
  baseUrl = Config.getOr("base_url", "");
  // "https://example.com/" + "/posts/x" must not give a double slash.
  while (baseUrl.endsWith("/")) baseUrl = baseUrl.substring(0, baseUrl.length - 1);
  return 0;
}

export function hook_after_render(): i32 {
  const r = Input.json();
  if (!r.ok || !r.value.isObject()) {
    fail("after_render input must be a JSON object: " + (r.ok ? "got " + r.value.toString() : r.error));
    return 1;
  }
  const page = r.value;
  const html = page.getString("html");
  const lower = html.toLowerCase();
  const headEnd = lower.indexOf("</head");
  if (headEnd < 0) {
    Log.debug("seo: no </head> in " + page.getString("path"));
    return 0; // empty output: page unchanged
  }
  const head = lower.substring(0, headEnd);
  const meta = page.get("meta");
  const description = meta === null ? "" : meta.getString("description").trim();
  const title = page.getString("title");

  let tags = "";
  if (description.length > 0 && !head.includes('name="description"')) {
    tags += '<meta name="description" content="' + escapeAttribute(description) + '">';
  }
  if (title.length > 0 && !head.includes('property="og:title"')) {
    tags += '<meta property="og:title" content="' + escapeAttribute(title) + '">';
  }
  if (description.length > 0 && !head.includes('property="og:description"')) {
    tags += '<meta property="og:description" content="' + escapeAttribute(description) + '">';
  }
  if (!head.includes('rel="canonical"')) {
    tags += '<link rel="canonical" href="' + escapeAttribute(baseUrl + page.getString("path")) + '">';
  }
  if (tags.length == 0) return 0;

  page.setString("html", html.substring(0, headEnd) + tags + html.substring(headEnd));
  Output.json(page);
  return 0;
}

/** Escapes a value for a double-quoted HTML attribute. */
function escapeAttribute(value: string): string {
  let out = "";
  let run = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    let entity = "";
    if (c == 0x26) entity = "&amp;";
    else if (c == 0x22) entity = "&quot;";
    else if (c == 0x27) entity = "&#39;";
    else if (c == 0x3c) entity = "&lt;";
    else if (c == 0x3e) entity = "&gt;";
    else continue;
    out += value.substring(run, i) + entity;
    run = i + 1;
  }
  return out + value.substring(run);
}
