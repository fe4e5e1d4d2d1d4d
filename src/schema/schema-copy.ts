/**
 * Copies a plugin-supplied JSON Schema into a private tree the bounded validator may instrument,
 * walking it the way @cfworker/json-schema does (its own keyword tables), and collecting what
 * needs checking: every regular expression (`pattern`, `patternProperties` keys) and every
 * `$ref`, each with its path. Refuses what cannot be plain schema data: nesting past
 * MAX_SCHEMA_DEPTH or past MAX_SCHEMA_NODES values (an object shared by a JS caller is copied
 * each time it appears, so sharing cannot multiply work unseen), cycles, non-JSON values.
 */
import { ignoredKeyword, schemaArrayKeyword, schemaMapKeyword } from '@cfworker/json-schema';
import { MAX_SCHEMA_DEPTH, MAX_SCHEMA_NODES } from './schema-limits.ts';

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

/** Where a schema object is, and what one evaluation of it weighs. */
export interface SchemaObjectInfo {
  path: string;
  pointer: string;
  /**
   * 1, plus 1 per ENUM_VALUES_PER_STEP values in its `enum` and `const`: each evaluation compares
   * the value with every one of them, and a failing one writes them all into its error message
   * (~0.2 µs per value; an evaluation costs ~1 µs).
   */
  weight: number;
}

const ENUM_VALUES_PER_STEP = 4;

/** The copy and what was found in it. */
export interface SchemaCopy {
  root: Record<string, unknown> | boolean;
  /** Every schema object of the copy, with its path and JSON pointer. */
  objects: Map<Record<string, unknown>, SchemaObjectInfo>;
  regexes: RegexSite[];
  usesUniqueItems: boolean;
  issues: SchemaIssue[];
}

export function copySchema(schema: unknown, path: string): SchemaCopy {
  const copy: SchemaCopy = { root: true, objects: new Map(), regexes: [], usesUniqueItems: false, issues: [] };
  const walk: Walk = { ancestors: new Set(), nodes: 0 };
  copy.root = copyNode(schema, path, '', 0, true, copy, walk) as SchemaCopy['root'];
  return copy;
}

interface Walk {
  /** The objects on the path from the root to the current one (a repeat is a cycle). */
  ancestors: Set<object>;
  nodes: number;
}

function copyNode(value: unknown, path: string, pointer: string, depth: number, asSchema: boolean, copy: SchemaCopy, walk: Walk): unknown {
  if (++walk.nodes === MAX_SCHEMA_NODES + 1) copy.issues.push({ path, message: `the schema holds more than ${MAX_SCHEMA_NODES.toLocaleString('en-US')} values` });
  if (walk.nodes > MAX_SCHEMA_NODES) return null;
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) copy.issues.push({ path, message: `${value} is not a JSON number` });
    else if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') copy.issues.push({ path, message: `a ${typeof value} is not JSON data` });
    return value;
  }
  if (depth >= MAX_SCHEMA_DEPTH) {
    copy.issues.push({ path, message: `is nested more than ${MAX_SCHEMA_DEPTH} levels deep` });
    return {};
  }
  if (walk.ancestors.has(value)) {
    copy.issues.push({ path, message: 'contains itself (a schema must be plain JSON data; refer with $ref)' });
    return {};
  }
  walk.ancestors.add(value);
  try {
    return copyContainer(value, path, pointer, depth, asSchema, copy, walk);
  } finally {
    walk.ancestors.delete(value);
  }
}

function copyContainer(value: object, path: string, pointer: string, depth: number, asSchema: boolean, copy: SchemaCopy, walk: Walk): unknown {
  if (Array.isArray(value)) return value.map((item, i) => copyNode(item, `${path}[${i}]`, `${pointer}/${i}`, depth + 1, asSchema, copy, walk));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    copy.issues.push({ path, message: `a ${(value as object).constructor?.name ?? 'non-plain object'} is not JSON data` });
    return {};
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const info: SchemaObjectInfo = { path, pointer, weight: 1 };
  if (asSchema) copy.objects.set(out, info);
  for (const [key, inner] of Object.entries(source)) {
    const before = walk.nodes;
    const innerPath = `${path}.${key}`;
    const innerPointer = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!asSchema || ignoredKeyword[key]) {
      setOwn(out, key, copyNode(inner, innerPath, innerPointer, depth + 1, false, copy, walk));
      if (key === 'enum' || key === 'const') info.weight += Math.ceil((walk.nodes - before) / ENUM_VALUES_PER_STEP);
      // The validator would stringify anything else: `pattern = ['^(a|a)*$']` is that regex.
      if (asSchema && (key === 'pattern' || key === 'format') && typeof inner !== 'string')
        copy.issues.push({ path: innerPath, message: `must be a string, got ${Array.isArray(inner) ? 'an array' : typeof inner}` });
      if (asSchema && key === 'pattern' && typeof inner === 'string') copy.regexes.push({ keyword: 'pattern', holder: out, path: innerPath });
      if (asSchema && key === 'uniqueItems' && inner === true) copy.usesUniqueItems = true;
      if (asSchema && key === 'format' && typeof inner === 'string' && Object.hasOwn(UNBOUNDED_FORMATS, inner)) {
        copy.issues.push({ path: innerPath, message: `format "${inner}" is checked by a pattern that can take exponential time; use "${UNBOUNDED_FORMATS[inner]}"` });
      }
    } else if (schemaMapKeyword[key] && inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      const map: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(inner as Record<string, unknown>)) {
        setOwn(map, name, copyNode(sub, `${innerPath}.${name}`, `${innerPointer}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 2, true, copy, walk));
      }
      setOwn(out, key, map);
      if (key === 'patternProperties') copy.regexes.push({ keyword: 'patternProperties', holder: out, path: innerPath });
    } else {
      // cfworker walks any other object as a schema (a $ref may point into it); arrays only
      // under the array keywords (allOf, items, …).
      const schemaLike = Array.isArray(inner) ? schemaArrayKeyword[key] === true : true;
      setOwn(out, key, copyNode(inner, innerPath, innerPointer, depth + 1, schemaLike, copy, walk));
    }
  }
  return out;
}

/** An own property even for a key such as `__proto__` (assignment would set the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
