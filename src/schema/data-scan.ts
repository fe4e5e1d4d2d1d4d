/**
 * What bounding a JSON Schema validation needs before any validator runs: the refusals it
 * raises, and the scan that bounds the data (its nesting, the `uniqueItems` work) and gathers
 * its strings. Apart from bounded-schema.ts, so a config without a schema is checked without
 * loading the validator.
 */
import { describeIssue } from '../errors.ts';
import type { SchemaIssue } from './schema-copy.ts';
import { MAX_JSON_DEPTH, MAX_UNIQUE_ITEMS_WORK } from './schema-limits.ts';

/** The schema is unusable or unsafe: the fault of whoever wrote it (the plugin). */
export class SchemaRefusal extends Error {
  override name = 'SchemaRefusal';
  constructor(readonly issues: readonly SchemaIssue[]) {
    super(issues.map(describeIssue).join('; '));
  }
}

/** The data cannot be validated in bounded time (too deep, too big for `uniqueItems`): its owner's fault. */
export class DataRefusal extends Error {
  override name = 'DataRefusal';
  constructor(readonly issues: readonly SchemaIssue[]) {
    super(issues.map(describeIssue).join('; '));
  }
}

/** A path into data nested 256 deep is unreadable: its start says where. */
const MAX_SHOWN_SEGMENTS = 12;

/**
 * Checks the data's nesting and `uniqueItems` work, counts its values, and collects its strings
 * (keys and values) when there are patterns to match. Recursion is safe: it stops at MAX_JSON_DEPTH.
 */
export function scanData(instance: unknown, uniqueItems: boolean, collect: boolean): { strings: Set<string> | undefined; values: number } {
  const strings = collect ? new Set<string>() : undefined;
  const path: Array<string | number> = [];
  const counted = new Map<object, number>();
  const fail = (message: string): never => {
    const shown = path.length > MAX_SHOWN_SEGMENTS ? [...path.slice(0, MAX_SHOWN_SEGMENTS), '…'] : path;
    throw new DataRefusal([{ path: shown.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join(''), message }]);
  };
  const scan = (value: unknown, depth: number): number => {
    if (typeof value === 'string') {
      strings?.add(value);
      return 1;
    }
    if (value === null || typeof value !== 'object') return 1;
    const known = counted.get(value);
    if (known !== undefined) return known;
    if (depth >= MAX_JSON_DEPTH) fail(`is nested more than ${MAX_JSON_DEPTH} levels deep`);
    let nodes = 1;
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        path.push(i);
        nodes += scan(item, depth + 1);
        path.pop();
      });
      if (uniqueItems && value.length * nodes > MAX_UNIQUE_ITEMS_WORK) {
        fail(`has ${value.length.toLocaleString('en-US')} items, too many to check uniqueItems in bounded time (items × values at most ${MAX_UNIQUE_ITEMS_WORK.toLocaleString('en-US')})`);
      }
    } else {
      for (const [key, inner] of Object.entries(value)) {
        strings?.add(key);
        path.push(key);
        nodes += 1 + scan(inner, depth + 1);
        path.pop();
      }
    }
    counted.set(value, nodes);
    return nodes;
  };
  // Keys count as values too (propertyNames and patternProperties apply to them).
  return { strings, values: scan(instance, 0) };
}
