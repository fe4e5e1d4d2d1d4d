/**
 * Example plugin `reading-time`: on `before_render`, counts the words of `body` and sets
 * `meta.wordCount` and `meta.readingTime` = ceil(words / words_per_minute), at least 1.
 *
 * A word is a run of non-whitespace characters containing at least one letter or digit
 * (ASCII alphanumerics or any non-ASCII character outside the punctuation blocks), so Markdown
 * markers such as `#`, `-`, `**` or `>` and dashes like `—` alone are not words. Config: `words_per_minute` (default 200).
 *
 * Input/output: `{ "path", "title", "body", "meta": {…} }` (meta created when missing).
 */
import { Config, Input, Json, Output, fail } from "../../../../sdk/assembly/index";

let wordsPerMinute: f64 = 200;

export function initialize(): i32 {
  const wpm = Config.json().getNumber("words_per_minute", 200);
  if (!(wpm >= 1)) {
    fail("words_per_minute must be a number ≥ 1");
    return 1;
  }
  wordsPerMinute = wpm;
  return 0;
}

export function hook_before_render(): i32 {
  const r = Input.json();
  if (!r.ok || !r.value.isObject()) {
    fail("before_render input must be a JSON object: " + (r.ok ? "got " + r.value.toString() : r.error));
    return 1;
  }
  const page = r.value;
  const words = countWords(page.getString("body"));
  let meta = page.get("meta");
  if (meta === null || !meta.isObject()) {
    meta = Json.object();
    page.set("meta", meta);
  }
  meta.setNumber("wordCount", <f64>words);
  meta.setNumber("readingTime", Math.max(1, Math.ceil(<f64>words / wordsPerMinute)));
  Output.json(page);
  return 0;
}

function countWords(text: string): i32 {
  let words = 0;
  let inWord = false;
  let wordHasContent = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      if (inWord && wordHasContent) words++;
      inWord = false;
      wordHasContent = false;
      continue;
    }
    inWord = true;
    if (isWordChar(c)) wordHasContent = true;
  }
  if (inWord && wordHasContent) words++;
  return words;
}

function isSpace(c: i32): bool {
  return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d || c == 0x0c || c == 0xa0 || c == 0x3000;
}

function isWordChar(c: i32): bool {
  if (c < 0x80) return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  // Punctuation blocks (Latin-1 symbols, General Punctuation such as — and …, CJK punctuation)
  // do not make a word; any other non-ASCII character (letters of every script) does.
  if (c >= 0xa0 && c <= 0xbf) return false;
  if (c >= 0x2000 && c <= 0x206f) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  return true;
}
