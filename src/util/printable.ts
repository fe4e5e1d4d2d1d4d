/**
 * Guest text made safe for the host's logs: a plugin's log lines and error messages reach
 * terminals and log files, where ANSI escapes could repaint the screen and a newline could forge
 * a log line under another plugin's name.
 */

// C0 controls but tab, DEL, C1 controls, and the bidirectional overrides and isolates
// ("trojan source"): each shown as a visible \u escape.
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Escapes control characters in text that came from a guest. */
export function printable(text: string): string {
  UNPRINTABLE.lastIndex = 0;
  if (!UNPRINTABLE.test(text)) return text;
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
