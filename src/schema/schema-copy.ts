/**
 * Copies a plugin-supplied JSON Schema into a private tree the bounded validator may instrument,
 * walking it the way @cfworker/json-schema does (its own keyword tables), and collecting what
 * needs checking: every regular expression (`pattern`, `patternProperties` keys) and every
 * `$ref`, each with its path. Refuses what cannot be plain schema data: nesting past
 * MAX_SCHEMA_DEPTH, objects shared or cyclic (only a JS caller can make those), non-JSON values.
 */
import { ignoredKeyword, schemaArrayKeyword, schemaMapKeyword } from '@cfworker/json-schema';
import { MAX_SCHEMA_DEPTH } from './schema-limits.ts';

/**
 * `format`s the validator checks with a backtracking pattern that can take exponential time on
 * the data: cfworker's `url` takes 0.8 s on "http://" + 28 × "a" + "!" (and doubles per
 * character). Each maps to what to use instead.
 */
const UNBOUNDED_FORMATS: Readonly<Record<string, string>> = { url: 'uri' };

/** One problem in a schema, with the dotted path of the offending keyword. */
export interface SchemaIssue {
  path: string;
  message: string;
}

/** A regular expression in the schema. */
export interface RegexSite {
  /** `pattern` (a string keyword) or `patternProperties` (the keys of the object). */
  keyword: 'pattern' | 'patternProperties';
  /** The schema object holding the keyword (in the copy). */
  holder: Record<string, unknown>;
  path: string;
}

/** The copy and what was found in it. */
export interface SchemaCopy {
  root: Record<string, unknown> | boolean;
  /** Every schema object of the copy, with its path and JSON pointer. */
  objects: Map<Record<string, unknown>, { path: string; pointer: string }>;
  regexes: RegexSite[];
  usesUniqueItems: boolean;
  issues: SchemaIssue[];
}

/**
 * @example
 * ```ts
 * const copy = copySchema({ properties: { id: { pattern: '^[a-z]+$' } } }, 'config_schema');
 * copy.regexes[0].path; // 'config_schema.properties.id.pattern'
 * ```
 */
export function copySchema(schema: unknown, path: string): SchemaCopy {
  const copy: SchemaCopy = { root: true, objects: new Map(), regexes: [], usesUniqueItems: false, issues: [] };
  const seen = new Set<object>();
  copy.root = copyNode(schema, path, '', 0, true, copy, seen) as SchemaCopy['root'];
  return copy;
}

function copyNode(value: unknown, path: string, pointer: string, depth: number, asSchema: boolean, copy: SchemaCopy, seen: Set<object>): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) copy.issues.push({ path, message: `${value} is not a JSON number` });
    else if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') copy.issues.push({ path, message: `a ${typeof value} is not JSON data` });
    return value;
  }
  if (depth >= MAX_SCHEMA_DEPTH) {
    copy.issues.push({ path, message: `is nested more than ${MAX_SCHEMA_DEPTH} levels deep` });
    return {};
  }
  if (seen.has(value)) {
    copy.issues.push({ path, message: 'is an object that appears twice in the schema (a schema must be plain JSON data; share definitions with $ref)' });
    return {};
  }
  seen.add(value);
  if (Array.isArray(value)) return value.map((item, i) => copyNode(item, `${path}[${i}]`, `${pointer}/${i}`, depth + 1, asSchema, copy, seen));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    copy.issues.push({ path, message: `a ${(value as object).constructor?.name ?? 'non-plain object'} is not JSON data` });
    return {};
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (asSchema) copy.objects.set(out, { path, pointer });
  for (const [key, inner] of Object.entries(source)) {
    const innerPath = `${path}.${key}`;
    const innerPointer = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!asSchema || ignoredKeyword[key]) {
      setOwn(out, key, copyNode(inner, innerPath, innerPointer, depth + 1, false, copy, seen));
      if (asSchema && key === 'pattern' && typeof inner === 'string') copy.regexes.push({ keyword: 'pattern', holder: out, path: innerPath });
      if (asSchema && key === 'uniqueItems' && inner === true) copy.usesUniqueItems = true;
      if (asSchema && key === 'format' && typeof inner === 'string' && Object.hasOwn(UNBOUNDED_FORMATS, inner)) {
        copy.issues.push({ path: innerPath, message: `format "${inner}" is checked by a pattern that can take exponential time; use "${UNBOUNDED_FORMATS[inner]}"` });
      }
    } else if (schemaMapKeyword[key] && inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      if (seen.has(inner)) {
        copy.issues.push({ path: innerPath, message: 'is an object that appears twice in the schema' });
        continue;
      }
      seen.add(inner);
      const map: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(inner as Record<string, unknown>)) {
        setOwn(map, name, copyNode(sub, `${innerPath}.${name}`, `${innerPointer}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 2, true, copy, seen));
      }
      setOwn(out, key, map);
      if (key === 'patternProperties') copy.regexes.push({ keyword: 'patternProperties', holder: out, path: innerPath });
    } else {
      // cfworker walks any other object as a schema (a $ref may point into it); arrays only
      // under the array keywords (allOf, items, …).
      const schemaLike = Array.isArray(inner) ? schemaArrayKeyword[key] === true : true;
      setOwn(out, key, copyNode(inner, innerPath, innerPointer, depth + 1, schemaLike, copy, seen));
    }
  }
  return out;
}

/** An own property even for a key such as `__proto__` (assignment would set the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
