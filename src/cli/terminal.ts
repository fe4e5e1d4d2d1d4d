/**
 * What the CLI prints: colour only on a TTY (and never with NO_COLOR or --json), numbers and
 * sizes in a readable form, and one exit-code table.
 */

/** Exit codes: 0 ok, 1 the plugin failed (or a check found problems), 2 a usage error. */
export const ExitCode = { OK: 0, PLUGIN_ERROR: 1, USAGE: 2 } as const;

/** A wrong command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Where the CLI writes; injectable so tests and Deno can pass their own streams. */
export interface Terminal {
  out(text: string): void;
  err(text: string): void;
  /** Whether colour may be used. */
  readonly color: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1, cyan: 36 } as const;

/** Wraps text in an ANSI colour when the terminal allows it. */
export function paint(term: Terminal, color: keyof typeof CODES, text: string): string {
  return term.color ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}

/** Bytes as B / KiB / MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${trim(bytes / 1024)} KiB`;
  return `${trim(bytes / (1024 * 1024))} MiB`;
}

/** An integer with thousands separators. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function trim(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(1).replace(/\.0$/, '');
}
