/**
 * What an event type and a type pattern may look like: the one definition shared by the bus
 * (host publish and subscribe), the guest channel (`reed_publish_event`) and the manifest's
 * `Event` capabilities. Types are what manifests have always allowed: dot-separated segments of
 * `A-Z a-z 0-9 _ -`, at most 256 characters. That keeps NUL and every other control or
 * invisible character (which would reach logs, dashboards and `plugin.denied` data) out of the
 * bus, whoever publishes.
 */

/** One segment of an event type. */
const SEGMENT = '[A-Za-z0-9_-]+';

/** The longest event type or pattern accepted. */
export const MAX_EVENT_TYPE_LENGTH = 256;

const EVENT_TYPE = new RegExp(`^${SEGMENT}(?:\\.${SEGMENT})*$`);

/**
 * A manifest's `Event` pattern: an event type whose segments may be `*` (one segment), ending
 * optionally in `.**` (any depth), or a lone `*` (every type).
 */
export const MANIFEST_EVENT_PATTERN = new RegExp(`^(?:\\*|${SEGMENT}(?:\\.(?:${SEGMENT}|\\*))*(?:\\.\\*\\*)?)$`);

/**
 * A subscribe pattern: the type alphabet plus `*` anywhere (`compileTypePattern` gives every
 * shape a meaning, so only the characters are restricted here).
 */
const SUBSCRIBE_PATTERN = /^[A-Za-z0-9_.*-]+$/;

const RULE = `dot-separated segments of A-Z a-z 0-9 _ - (e.g. "content.created"), at most ${MAX_EVENT_TYPE_LENGTH} characters`;

/** Why `type` is not a valid event type, or undefined when it is. */
export function eventTypeProblem(type: unknown): string | undefined {
  if (typeof type !== 'string' || type === '') return 'an event needs a non-empty string `type`';
  if (type.length <= MAX_EVENT_TYPE_LENGTH && EVENT_TYPE.test(type)) return undefined;
  if (type.includes('*')) return `an event type cannot contain "*" (it is the wildcard): ${quoteEventType(type)}`;
  return `an event type is ${RULE}: ${quoteEventType(type)}`;
}

/** Why `pattern` is not a valid subscribe pattern, or undefined when it is. */
export function eventPatternProblem(pattern: string): string | undefined {
  if (pattern === '') return 'an event type pattern must not be empty';
  if (pattern.length <= MAX_EVENT_TYPE_LENGTH && SUBSCRIBE_PATTERN.test(pattern)) return undefined;
  return `an event type pattern is ${RULE}, with "*" wildcards: ${quoteEventType(pattern)}`;
}

/**
 * A refused type, safe to put in a message: at most 64 characters, anything outside printable
 * ASCII escaped (`\u0000`), so a hostile type cannot smuggle control sequences into logs.
 */
export function quoteEventType(type: string): string {
  const shown = type.length > 64 ? type.slice(0, 64) : type;
  const escaped = shown.replace(/[^\x20-\x7e]|["\\]/g, (c) => (c === '"' || c === '\\' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return type.length > 64 ? `"${escaped}…" (${type.length} characters)` : `"${escaped}"`;
}
