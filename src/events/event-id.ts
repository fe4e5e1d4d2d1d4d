/**
 * Cheap unique event ids and timestamps for the publish hot path. A UUID per event
 * (`crypto.randomUUID`) costs more than delivering the event to a subscriber; ids only have to
 * be unique, not secret, so each process draws 64 random bits once and counts from there.
 */

const BLOCK_SIZE = 1024;
const SUFFIXES: readonly string[] = Array.from({ length: BLOCK_SIZE }, (_, i) => String(i));

let prefix: string | undefined;
let base = '';
let block = -1;
let index = BLOCK_SIZE;

/**
 * A new event id: `<16 hex digits, random per process>-<block>-<index>` (decimal numbers).
 * Unique across buses in one process (one sequence) and, with overwhelming probability,
 * across processes.
 */
export function nextEventId(): string {
  // Converting a counter to a string per event costs as much as delivering the event; instead
  // the ids of a block of 1,024 share one prefix string and take their suffix from a table.
  if (index === BLOCK_SIZE) {
    // Drawn lazily: Cloudflare Workers forbid random numbers at module (global) scope.
    prefix ??= randomPrefix();
    base = `${prefix}-${++block}-`;
    index = 0;
  }
  return base + (SUFFIXES[index++] as string);
}

function randomPrefix(): string {
  const bytes = new Uint8Array(8);
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (typeof c?.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}

let lastMs = Number.NaN;
let lastIso = '';

/**
 * The current time as ISO-8601, formatted once per millisecond (`toISOString` is the most
 * expensive step of building an event otherwise).
 */
export function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}
