/**
 * Compiles an event type pattern into a matcher once, at subscribe time, so publishing does not
 * run a regular expression per subscriber for the common shapes (`*`, `a.*`, `a.**`). Semantics
 * are exactly `eventTypeMatches` (the manifest's capability matching), which handles the rest.
 */
import { eventTypeMatches } from '../manifest/capabilities.ts';

/** A matcher for `pattern`. */
export function compileTypePattern(pattern: string): (type: string) => boolean {
  if (pattern === '*') return () => true;
  if (!pattern.includes('*')) return (type) => type === pattern;
  const star = pattern.indexOf('*');
  const head = pattern.slice(0, star);
  // `a.b.*`: one non-empty segment after the prefix; `a.b.**`: one or more characters.
  if (head.endsWith('.') && star === pattern.length - 1) {
    const n = head.length;
    return (type) => type.length > n && type.startsWith(head) && type.indexOf('.', n) === -1;
  }
  if (head.endsWith('.') && star === pattern.length - 2 && pattern.endsWith('**')) {
    const n = head.length;
    return (type) => type.length > n && type.startsWith(head);
  }
  return (type) => eventTypeMatches(pattern, type);
}
