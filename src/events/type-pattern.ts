/**
 * The one event type pattern matcher, for subscriptions and for manifests' `Event`
 * capabilities alike. A pattern is compiled once (at subscribe time, or once per plugin
 * generation) so that publishing runs no per-pattern setup; the common shapes (`*`, `a.*`,
 * `a.**`) need no regular expression at all.
 */
import { LinearRegex } from '../schema/linear-regex.ts';
import { WorkBudget } from '../schema/work-budget.ts';

/**
 * `**` becomes `.+`: one is linear on the engine's matcher, two or more backtrack polynomially
 * (`a.**.**.**.b` against a long plugin-published type), so those run on the linear-time matcher.
 * Its work is bounded by type length × pattern size, hence no budget of its own.
 */
const UNBOUNDED = new WorkBudget(Number.POSITIVE_INFINITY, 'steps');

/**
 * A matcher for `pattern`: `*` matches one dotted segment, a `**` segment one or more
 * characters (any depth), a lone `*` every type; anything else matches itself.
 */
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
  const segments = pattern.split('.');
  const source = `^${segments.map((s) => (s === '**' ? '.+' : s === '*' ? '[^.]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('\\.')}$`;
  if (segments.filter((s) => s === '**').length > 1) {
    const linear = LinearRegex.compile(source);
    return (type) => linear.test(type, UNBOUNDED);
  }
  const regex = new RegExp(source);
  return (type) => regex.test(type);
}

/** One matcher for a list of patterns: true when any of them matches. */
export function compileTypePatterns(patterns: readonly string[]): (type: string) => boolean {
  const matchers = patterns.map(compileTypePattern);
  return (type) => matchers.some((matches) => matches(type));
}

/**
 * Does an event type match a pattern? A one-off check; code that matches repeatedly keeps
 * the matcher from `compileTypePattern`.
 */
export function eventTypeMatches(pattern: string, type: string): boolean {
  return compileTypePattern(pattern)(type);
}
