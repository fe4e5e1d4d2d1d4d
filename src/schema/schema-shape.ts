/**
 * Whether a plugin's JSON Schema is well-formed: every keyword known and of the right shape
 * (`type = "strng"` would otherwise make the validator accept any value, silently). Unknown
 * keywords are refused with the nearest known one, as unknown manifest keys are; `x-…` keys and
 * `$comment` stay free for annotations.
 */
import type { ManifestIssue } from '../errors.ts';
import { closest } from '../util/closest.ts';

const TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];

type Check = (value: unknown) => string | undefined;

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const string: Check = (v) => (typeof v === 'string' ? undefined : 'must be a string');
const number: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : 'must be a number');
const count: Check = (v) => (Number.isInteger(v) && (v as number) >= 0 ? undefined : 'must be a non-negative integer');
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const any: Check = () => undefined;
const positive: Check = (v) => (typeof v === 'number' && v > 0 ? undefined : 'must be a number above 0');
const strings: Check = (v) => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? undefined : 'must be an array of strings');
const array: Check = (v) => (Array.isArray(v) ? undefined : 'must be an array');
const type: Check = (v) => {
  const names = Array.isArray(v) ? v : [v];
  for (const name of names) {
    if (typeof name !== 'string' || !TYPES.includes(name)) {
      const near = typeof name === 'string' ? closest(name, TYPES) : undefined;
      return `${JSON.stringify(name)} is not a JSON Schema type (${near === undefined ? `one of ${TYPES.join(', ')}` : `did you mean "${near}"?`})`;
    }
  }
  return names.length === 0 ? 'must name at least one type' : undefined;
};

/** Keywords whose value is itself a schema, an array of schemas, or a map of schemas. */
const SCHEMA = new Set(['additionalProperties', 'additionalItems', 'unevaluatedProperties', 'unevaluatedItems', 'contains', 'propertyNames', 'not', 'if', 'then', 'else', 'contentSchema']);
const SCHEMA_ARRAY = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SCHEMA_MAP = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

/** Every other keyword, with the shape of its value. */
const VALUE_KEYWORDS: Readonly<Record<string, Check>> = {
  type,
  enum: array,
  const: any,
  required: strings,
  minimum: number,
  maximum: number,
  exclusiveMinimum: number,
  exclusiveMaximum: number,
  multipleOf: positive,
  minLength: count,
  maxLength: count,
  minItems: count,
  maxItems: count,
  minProperties: count,
  maxProperties: count,
  minContains: count,
  maxContains: count,
  uniqueItems: boolean,
  // Their shape and content are bounded-schema.ts's (a pattern must compile linearly).
  pattern: any,
  format: any,
  title: string,
  description: string,
  default: any,
  examples: array,
  readOnly: boolean,
  writeOnly: boolean,
  deprecated: boolean,
  $ref: string,
  $id: string,
  $schema: string,
  $anchor: string,
  $recursiveRef: string,
  $recursiveAnchor: boolean,
  $dynamicRef: string,
  $dynamicAnchor: string,
  $vocabulary: any,
  $comment: any,
  dependentRequired: any,
  contentMediaType: string,
  contentEncoding: string,
};

const KNOWN = [...SCHEMA, ...SCHEMA_ARRAY, ...SCHEMA_MAP, 'items', 'dependencies', ...Object.keys(VALUE_KEYWORDS)];

/**
 * Every problem of a schema, each with its path under `at` (e.g. `config_schema.properties.a.type`).
 * Recursion stops at `maxDepth` (deeper schemas are refused elsewhere, src/schema/schema-limits.ts).
 */
export function schemaShapeIssues(schema: unknown, at: string, maxDepth = 128): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  // Each object once: a schema may share subschemas, or be cyclic (refused elsewhere), and a
  // walk that revisits them could be exponential.
  const seen = new WeakSet<object>();
  visit(schema, at, 0);
  return issues;

  function visit(node: unknown, path: string, depth: number): void {
    if (typeof node === 'boolean') return;
    if (!isRecord(node)) {
      issues.push({ path, message: 'a schema must be a table (object) or true/false' });
      return;
    }
    if (depth > maxDepth || seen.has(node)) return;
    seen.add(node);
    for (const [key, value] of Object.entries(node)) {
      const here = `${path}.${key}`;
      if (key.startsWith('x-')) continue;
      if (SCHEMA.has(key)) visit(value, here, depth + 1);
      else if (SCHEMA_ARRAY.has(key)) {
        if (!Array.isArray(value) || value.length === 0) issues.push({ path: here, message: 'must be a non-empty array of schemas' });
        else value.forEach((item, i) => visit(item, `${here}[${i}]`, depth + 1));
      } else if (SCHEMA_MAP.has(key)) {
        if (!isRecord(value)) issues.push({ path: here, message: 'must be a table of schemas' });
        else for (const [name, item] of Object.entries(value)) visit(item, `${here}.${name}`, depth + 1);
      } else if (key === 'items') {
        if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${here}[${i}]`, depth + 1));
        else visit(value, here, depth + 1);
      } else if (key === 'dependencies') {
        if (!isRecord(value)) issues.push({ path: here, message: 'must be a table' });
        else for (const [name, item] of Object.entries(value)) if (!Array.isArray(item)) visit(item, `${here}.${name}`, depth + 1);
      } else {
        const check = VALUE_KEYWORDS[key];
        if (check === undefined) {
          const near = closest(key, KNOWN);
          issues.push({ path: here, message: `unknown JSON Schema keyword${near === undefined ? ' (annotations go under an "x-" key)' : `: did you mean "${near}"?`}` });
        } else {
          const problem = check(value);
          if (problem !== undefined) issues.push({ path: here, message: problem });
        }
      }
    }
  }
}
