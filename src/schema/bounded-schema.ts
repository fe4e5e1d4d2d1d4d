/**
 * Validation against a plugin-supplied JSON Schema in bounded time and stack, on the host's
 * thread, with @cfworker/json-schema doing the validating:
 *
 * - Regular expressions never run on the engine's backtracking matcher. Each `pattern` and
 *   `patternProperties` key is compiled for our linear-time matcher (./linear-regex.ts; patterns
 *   it cannot bound are refused at compile time). Before each validation, every pattern is
 *   matched against every string of the data there, and the validator is handed, in its place, a
 *   trie of exactly the strings that matched (./literal-set-regex.ts): the same answers, decided
 *   without backtracking.
 * - `$ref`s must resolve within the document, and a cycle of `$ref`/`allOf`/`anyOf`/… that never
 *   descends into the data (`"$ref": "#"`, a → b → a) is refused at compile time.
 * - Every schema evaluation is counted (an accessor on each schema object, read once per
 *   evaluation) and the validation stops past MAX_SCHEMA_STEPS: exponential nesting cannot hang.
 * - The data's nesting (MAX_JSON_DEPTH) and the quadratic `uniqueItems` work are bounded first.
 *
 * This leans on the validator's workings (it reads `$ref` first on every evaluation, records
 * `__absolute_ref__`, spells its patternProperties errors as below), which is why
 * @cfworker/json-schema is pinned to an exact version; test/manager/hostile-schemas.test.ts
 * fails (or hangs to its timeout) if an upgrade changes them.
 */
import { schemaShapeIssues } from './schema-shape.ts';
import { dereference, encodePointer, validate, type OutputUnit, type Schema, type ValidationResult } from '@cfworker/json-schema';
import { LinearRegex } from './linear-regex.ts';
import { literalSetPattern } from './literal-set-regex.ts';
import { RegexRefusal } from './regex-syntax.ts';
import { copySchema, type RegexSite, type SchemaCopy, type SchemaIssue } from './schema-copy.ts';
import { MAX_REGEX_STEPS, MAX_SCHEMA_STEPS } from './schema-limits.ts';
import { BudgetExceeded, WorkBudget } from './work-budget.ts';
import { describeError } from '../errors.ts';
import { DataRefusal, SchemaRefusal, scanData } from './data-scan.ts';

export type { SchemaIssue } from './schema-copy.ts';
export { DataRefusal, SchemaRefusal } from './data-scan.ts';

/** Keywords that apply their subschemas to the same value (a cycle through only these never ends). */
const IN_PLACE_ARRAYS = ['allOf', 'anyOf', 'oneOf'] as const;
const IN_PLACE_SINGLE = ['not', 'if', 'then', 'else'] as const;
const IN_PLACE_MAPS = ['dependentSchemas', 'dependencies'] as const;

type SchemaObject = Record<string, unknown>;

export class BoundedSchema {
  #budget: WorkBudget | undefined;
  /** Whether any `$ref` can make the validator revisit schemas (else it stays within the schema's shape). */
  readonly #recursive: boolean;
  /** What applying every schema object once weighs (see SchemaObjectInfo.weight). */
  readonly #weight: number;

  /**
   * Two copies of the schema: `counted` spends a step per evaluation (an accessor the validator
   * reads, which slows it ~2×), `plain` does not and serves data small enough that a schema
   * without `$ref` cannot pass the budget: without `$ref` each schema object is applied to each
   * value at most once, so the work is at most (the objects' weights) × values.
   */
  private constructor(
    private readonly path: string,
    private readonly plain: Variant,
    private readonly counted: Variant,
    private readonly regexes: ReadonlyMap<string, LinearRegex>,
  ) {
    this.#recursive = [...plain.copy.objects.keys()].some((o) => o['$ref'] !== undefined || o['$recursiveRef'] !== undefined);
    this.#weight = Math.max(
      1,
      [...plain.copy.objects.values()].reduce((sum, info) => sum + info.weight, 0),
    );
  }

  /**
   * Copies and checks a schema. `path` prefixes every issue (`config_schema`).
   *
   * @throws SchemaRefusal listing every problem found.
   */
  static compile(schema: unknown, path: string): BoundedSchema {
    const plain = copySchema(schema, path);
    // Shape first (a mistyped `type` would accept anything), then the patterns: all at once.
    const issues = [...plain.issues, ...schemaShapeIssues(schema, path)];
    const regexes = new Map<string, LinearRegex>();
    for (const site of plain.regexes) {
      for (const [source, where] of siteSources(site)) {
        if (regexes.has(source)) continue;
        try {
          regexes.set(source, LinearRegex.compile(source));
        } catch (err) {
          if (!(err instanceof RegexRefusal)) throw err;
          issues.push({ path: where, message: `pattern ${JSON.stringify(source)} ${err.message}` });
        }
      }
    }
    if (issues.length > 0) throw new SchemaRefusal(issues);
    const bounded = new BoundedSchema(path, variant(plain, path), variant(copySchema(schema, path), path), regexes);
    bounded.checkReferences();
    bounded.countEvaluations();
    return bounded;
  }

  /**
   * Validates `instance` (the schema's `default`s are not applied).
   *
   * @throws SchemaRefusal when the schema needs more than the bounds for this data,
   *   DataRefusal when the data is too deep or too large to validate in bounded time.
   */
  validate(instance: unknown): ValidationResult {
    const { usesUniqueItems, regexes } = this.plain.copy;
    const { strings, values } = scanData(instance, usesUniqueItems, regexes.length > 0);
    const safe = !this.#recursive && values * this.#weight <= MAX_SCHEMA_STEPS;
    const chosen = safe ? this.plain : this.counted;
    const restore = this.substitutePatterns(chosen, strings);
    try {
      // A first pass that stops at the first error decides validity cheaply; only an invalid
      // value gets the full pass that lists every error. The validator spreads error lists (the
      // stack caps them near 100,000), so when listing overflows, the first pass's errors stand.
      const quick = this.run(chosen, instance, true);
      if (quick.valid) return quick;
      let full: ValidationResult;
      try {
        full = this.run(chosen, instance, false);
      } catch (err) {
        if (!(err instanceof SchemaRefusal)) throw err;
        full = quick;
      }
      return !restore.renames ? full : { valid: full.valid, errors: full.errors.map((e) => restore.rename(e)) };
    } finally {
      restore.undo();
    }
  }

  /** One validator pass under a fresh step budget. */
  private run(chosen: Variant, instance: unknown, shortCircuit: boolean): ValidationResult {
    this.#budget = new WorkBudget(MAX_SCHEMA_STEPS, 'schema evaluations');
    try {
      return validate(instance, chosen.copy.root as Schema | boolean, '2020-12', chosen.lookup, shortCircuit);
    } catch (err) {
      if (err instanceof BudgetExceeded) throw new SchemaRefusal([{ path: this.path, message: `validating against it ${err.message} (nested $ref, anyOf, allOf… multiply)` }]);
      // The engine's stack: recursion, or the validator spreading an exponential error list.
      if (err instanceof RangeError) throw new SchemaRefusal([{ path: this.path, message: `validating against it overflows the stack (${err.message}): nested $ref, anyOf, allOf… multiply` }]);
      const message = describeError(err);
      if (message.startsWith('Instances of')) throw new DataRefusal([{ path: '', message: `holds a value that is not JSON data (${message})` }]);
      throw new SchemaRefusal([{ path: this.path, message: `cannot validate: ${message}` }]);
    } finally {
      this.#budget = undefined;
    }
  }

  /** Unresolvable `$ref`s and cycles that never descend into the data. */
  private checkReferences(): void {
    const issues: SchemaIssue[] = [];
    const targets = new Map<SchemaObject, SchemaObject>();
    for (const [object, where] of this.plain.copy.objects) {
      const ref = object['$ref'];
      if (ref === undefined) continue;
      const target = this.plain.lookup[(object as { __absolute_ref__?: string }).__absolute_ref__ ?? String(ref)];
      if (target === undefined) issues.push({ path: `${where.path}.$ref`, message: `${JSON.stringify(ref)} does not resolve to a schema in this document (remote schemas are not fetched)` });
      else if (typeof target === 'object') targets.set(object, target as SchemaObject);
    }
    if (issues.length > 0) throw new SchemaRefusal(issues);
    const cycle = findInPlaceCycle(this.plain.copy, targets);
    if (cycle !== undefined) {
      const first = this.plain.copy.objects.get(cycle[0] as SchemaObject);
      const chain = cycle.map((o) => `#${this.plain.copy.objects.get(o)?.pointer ?? ''}`).join(' → ');
      throw new SchemaRefusal([{ path: first?.path ?? this.path, message: `refers to itself without descending into the data (${chain}): validating would never end` }]);
    }
  }

  /** Makes every evaluation of a schema object spend its weight: the validator reads `$ref` first, on each. */
  private countEvaluations(): void {
    for (const [object, { weight }] of this.counted.copy.objects) {
      const ref = object['$ref'];
      Object.defineProperty(object, '$ref', {
        get: () => {
          this.#budget?.spend(weight);
          return ref;
        },
        enumerable: false,
        configurable: true,
      });
    }
  }

  /** Puts the literal-set stand-ins in place of the patterns, for the strings in `strings`. */
  private substitutePatterns(chosen: Variant, strings: ReadonlySet<string> | undefined): { renames: boolean; rename: (e: OutputUnit) => OutputUnit; undo: () => void } {
    const undo: Array<() => void> = [];
    const names: Array<[string, string]> = [];
    const none = { renames: false, rename: (e: OutputUnit) => e, undo: () => {} };
    if (strings === undefined || chosen.copy.regexes.length === 0) return none;
    const budget = new WorkBudget(MAX_REGEX_STEPS, 'pattern-matching steps');
    const standIns = new Map<string, string>();
    const standIn = (source: string): string => {
      let pattern = standIns.get(source);
      if (pattern === undefined) {
        const regex = this.regexes.get(source) as LinearRegex;
        const matched: string[] = [];
        try {
          for (const text of strings) if (regex.test(text, budget)) matched.push(text);
        } catch (err) {
          if (err instanceof BudgetExceeded) throw new SchemaRefusal([{ path: this.path, message: `matching its patterns against this data ${err.message}` }]);
          throw err;
        }
        pattern = literalSetPattern(matched);
        standIns.set(source, pattern);
      }
      return pattern;
    };
    for (const site of chosen.copy.regexes) {
      const holder = site.holder;
      if (site.keyword === 'pattern') {
        const original = holder['pattern'];
        holder['pattern'] = standIn(original as string);
        undo.push(() => (holder['pattern'] = original));
        continue;
      }
      const original = holder['patternProperties'] as SchemaObject;
      const replaced: SchemaObject = {};
      for (const [source, sub] of Object.entries(original)) {
        // Two patterns matching the same strings still need two keys.
        let key = standIn(source);
        while (Object.hasOwn(replaced, key)) key = `(?:)${key}`;
        replaced[key] = sub;
        names.push([key, source]);
      }
      holder['patternProperties'] = replaced;
      undo.push(() => (holder['patternProperties'] = original));
    }
    const rename = (e: OutputUnit): OutputUnit => {
      let { keywordLocation, error } = e;
      for (const [standInKey, source] of names) {
        keywordLocation = keywordLocation.split(`/patternProperties/${encodePointer(standInKey)}`).join(`/patternProperties/${encodePointer(source)}`);
        error = error.split(`pattern "${standInKey}"`).join(`pattern "${source}"`);
      }
      return { ...e, keywordLocation, error };
    };
    return { renames: names.length > 0, rename, undo: () => undo.reverse().forEach((f) => f()) };
  }
}

/** A copy of the schema and the validator's index of it. */
interface Variant {
  copy: SchemaCopy;
  lookup: Record<string, Schema | boolean>;
}

function variant(copy: SchemaCopy, path: string): Variant {
  try {
    return { copy, lookup: dereference(copy.root as Schema | boolean) };
  } catch (err) {
    throw new SchemaRefusal([{ path, message: `cannot be read as a JSON Schema: ${describeError(err)}` }]);
  }
}

/** The pattern sources of a site, each with its path. */
function siteSources(site: RegexSite): Array<[string, string]> {
  if (site.keyword === 'pattern') return [[site.holder['pattern'] as string, site.path]];
  return Object.keys(site.holder['patternProperties'] as SchemaObject).map((key) => [key, `${site.path}[${JSON.stringify(key)}]`]);
}

/** Subschemas applied to the same value as `object`. */
function inPlace(object: SchemaObject, targets: ReadonlyMap<SchemaObject, SchemaObject>, root: unknown): SchemaObject[] {
  const out: unknown[] = [];
  for (const key of IN_PLACE_ARRAYS) if (Array.isArray(object[key])) out.push(...(object[key] as unknown[]));
  for (const key of IN_PLACE_SINGLE) out.push(object[key]);
  for (const key of IN_PLACE_MAPS) {
    const map = object[key];
    if (map !== null && typeof map === 'object' && !Array.isArray(map)) out.push(...Object.values(map));
  }
  out.push(targets.get(object));
  if (object['$recursiveRef'] !== undefined) out.push(root);
  return out.filter((o): o is SchemaObject => o !== null && typeof o === 'object' && !Array.isArray(o));
}

/** A cycle through in-place applicators only (iterative DFS: a chain of 10,000 $defs must not overflow). */
function findInPlaceCycle(copy: SchemaCopy, targets: ReadonlyMap<SchemaObject, SchemaObject>): SchemaObject[] | undefined {
  const state = new Map<SchemaObject, 1 | 2>(); // 1 on the stack, 2 done
  for (const start of copy.objects.keys()) {
    if (state.has(start)) continue;
    const stack: Array<{ node: SchemaObject; next: SchemaObject[] }> = [{ node: start, next: inPlace(start, targets, copy.root) }];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { node: SchemaObject; next: SchemaObject[] };
      const child = top.next.pop();
      if (child === undefined) {
        state.set(top.node, 2);
        stack.pop();
        continue;
      }
      const seen = state.get(child);
      if (seen === 1) {
        const from = stack.findIndex((f) => f.node === child);
        return [...stack.slice(from).map((f) => f.node), child];
      }
      if (seen === undefined) {
        state.set(child, 1);
        stack.push({ node: child, next: inPlace(child, targets, copy.root) });
      }
    }
  }
  return undefined;
}
