/**
 * Validates the config a host gives a plugin against the plugin's `config_schema` (JSON Schema),
 * with @cfworker/json-schema: maintained, and it runs at the edge (no `eval`/`new Function`,
 * which workerd forbids). Top-level `default`s of the schema fill in missing keys first. The
 * schema comes with the untrusted plugin, so it runs bounded (src/schema/bounded-schema.ts): no
 * backtracking regex, no endless `$ref`, a step budget.
 */
import type { OutputUnit } from '@cfworker/json-schema';
import { ErrorCodes, ManifestError, PluginError, type ManifestIssue, describeError, describeIssues } from '../errors.ts';
import { DataRefusal, SchemaRefusal, scanData } from '../schema/data-scan.ts';
import { loadBoundedSchema } from '../schema/schema-loader.ts';

/**
 * Issues named in one ConfigError. Reading the validator's errors is quadratic (each against the
 * later ones), so only the first MAX_ERRORS_READ are read: 30,000 bad items took 31 s.
 */
const MAX_ISSUES = 100;
/** An issue's message is cut here (the validator quotes a whole `enum` in its message). */
const MAX_MESSAGE_CHARS = 300;
const MAX_ERRORS_READ = 1_000;

/** Keywords whose own error only says "a child failed": the child's error says why. */
const AGGREGATE_KEYWORDS = new Set(['properties', 'additionalProperties', 'items', 'prefixItems', 'unevaluatedProperties', 'patternProperties', 'allOf', '$ref']);

/**
 * A config that does not match its schema. `issues` names every bad field.
 *
 * @example
 * ```ts
 * if (err instanceof ConfigError) for (const i of err.issues) console.log(i.path, i.message);
 * ```
 */
export class ConfigError extends PluginError {
  override name = 'ConfigError';
  readonly issues: readonly ManifestIssue[];

  constructor(issues: readonly ManifestIssue[], pluginId: string) {
    super(ErrorCodes.CONFIG, describeIssues('invalid config', issues), { pluginId, operation: 'config' });
    this.issues = issues;
  }
}

/**
 * Applies the schema's top-level defaults, then validates. Resolves with the config to hand the
 * plugin. Asynchronous because the validator is loaded on the first schema (a config without
 * one is only checked for depth, and loads nothing).
 *
 * @throws ConfigError (`E_CONFIG`) naming every bad field, or the config that cannot be validated
 *   in bounded time (nested past 256 levels, an array too long for `uniqueItems`);
 *   ManifestError (`E_MANIFEST`) when the schema itself is unusable or unsafe (an unresolvable or
 *   endless `$ref`, a pattern outside the linear-time subset, too much work), each with its path.
 *
 * @example
 * ```ts
 * const config = await validateConfig({ type: 'object', properties: { n: { type: 'integer', default: 3 } } }, {}, 'seo'); // { n: 3 }
 * ```
 */
export async function validateConfig(schema: Record<string, unknown> | undefined, config: Record<string, unknown>, pluginId: string): Promise<Record<string, unknown>> {
  try {
    if (schema === undefined) {
      // Still checked for depth: it is serialized for the plugin, and 20,000 levels overflowed the stack there.
      scanData(config, false, false);
      return config;
    }
    const { BoundedSchema } = await loadBoundedSchema();
    const bounded = BoundedSchema.compile(schema, 'config_schema');
    const withDefaults = applyDefaults(schema, config);
    const result = bounded.validate(withDefaults);
    if (!result.valid) throw new ConfigError(toIssues(result.errors), pluginId);
    return withDefaults;
  } catch (err) {
    if (err instanceof SchemaRefusal) throw new ManifestError(err.issues, { pluginId, cause: err, operation: 'config' });
    if (err instanceof DataRefusal) throw new ConfigError(err.issues, pluginId);
    if (err instanceof PluginError) throw err;
    throw new PluginError(ErrorCodes.MANIFEST, `config_schema cannot validate the config: ${describeError(err)}`, { pluginId, cause: err, operation: 'config' });
  }
}

function applyDefaults(schema: Record<string, unknown>, config: Record<string, unknown>): Record<string, unknown> {
  const properties = schema['properties'];
  if (properties === null || typeof properties !== 'object') return config;
  const out = { ...config };
  for (const [key, definition] of Object.entries(properties as Record<string, unknown>)) {
    if (out[key] === undefined && definition !== null && typeof definition === 'object' && 'default' in definition) {
      out[key] = structuredClone((definition as { default: unknown }).default);
    }
  }
  return out;
}

function toIssues(all: readonly OutputUnit[]): ManifestIssue[] {
  const errors = all.slice(0, MAX_ERRORS_READ);
  const issues: ManifestIssue[] = [];
  const seen = new Set<string>();
  for (const [index, error] of errors.entries()) {
    const deeper = errors.slice(index + 1).some((e) => e.instanceLocation.startsWith(`${error.instanceLocation}/`) || e.keywordLocation.startsWith(`${error.keywordLocation}/`));
    if (AGGREGATE_KEYWORDS.has(error.keyword) && deeper) continue;
    const path = pointerToPath(error.instanceLocation);
    const full = error.keyword === 'false' ? 'is not allowed (unknown key)' : error.error;
    const message = full.length > MAX_MESSAGE_CHARS ? `${full.slice(0, MAX_MESSAGE_CHARS)}…` : full;
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (issues.length === MAX_ISSUES) {
      issues.push({ path: '', message: `… and more (only the first ${MAX_ISSUES} are listed)` });
      break;
    }
    issues.push({ path, message });
  }
  return issues;
}

/** `#/pages/0/title` → `pages[0].title`. */
function pointerToPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.replace(/^#\/?/, '').split('/')) {
    if (raw === '') continue;
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(segment) ? `[${segment}]` : path === '' ? segment : `.${segment}`;
  }
  return path;
}
