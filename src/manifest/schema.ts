/**
 * The valibot schema of plugin.toml (the seed's PluginMetadata). Field names are the TOML's
 * snake_case; `parseManifest` converts the result to the camelCase `PluginMetadata`.
 */
import * as v from 'valibot';
// semver's own files, not its index (which brings every helper along into a frontend bundle).
import validVersion from 'semver/functions/valid.js';
import validRange from 'semver/ranges/valid.js';
import { closest } from '../util/closest.ts';
import { HOOK_KINDS } from '../hooks/hook-kinds.ts';
import { MANIFEST_EVENT_PATTERN, MAX_EVENT_TYPE_LENGTH } from '../events/event-type-grammar.ts';

/** Plugin ids: lowercase, starting with a letter or digit; safe in paths, URLs and export names. */
export const PLUGIN_ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
/** Hook, command, content type and template function names. */
const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;

/** The capability kinds a plugin can declare, and what each value must look like. */
export const CAPABILITY_KINDS = {
  Hook: NAME_PATTERN,
  Event: MANIFEST_EVENT_PATTERN,
  Command: NAME_PATTERN,
  ContentType: NAME_PATTERN,
  TemplateFunction: NAME_PATTERN,
  // Any export but the ones the host calls itself (its ABI, WASI's entry points, ours).
  Export: /^(?!(?:initialize|shutdown|on_event|handle_command|content_type|template_function|_initialize|_start|memory)$)(?!hook_|__reed_)[A-Za-z_][A-Za-z0-9_]*$/,
  // `namespace.name`: the namespace may hold dots and slashes (`extism:host/user.hello_world`).
  HostFunction: /^[A-Za-z0-9_:/.-]+\.[A-Za-z_][A-Za-z0-9_]*$/,
} as const;

/** One of the capability kinds. */
export type CapabilityKind = keyof typeof CAPABILITY_KINDS;

/**
 * The message of a strict table: an unknown key (typos must not pass silently), or a value that
 * is not a table at all.
 */
const unknownKey = (known: readonly string[]) => (issue: { expected: string | null }) => (issue.expected === 'never' ? `unknown key (known keys: ${known.join(', ')})` : 'must be a table');

/** Unknown-key issues made by strictTable (valibot's own are replaced by these). */
const OWN_ISSUES = new WeakSet<object>();

/**
 * A TOML table with exactly these keys. Every unknown key is an error of its own, with the
 * closest known key when one is near ("did you mean"): valibot's strictObject stops at the
 * first, so an author with two typos would fix them one run at a time.
 */
const strictTable = <const E extends v.ObjectEntries>(entries: E) => {
  const known = Object.keys(entries);
  const inner = v.strictObject(entries, unknownKey(known));
  const run: (typeof inner)['~run'] = (dataset, config) => {
    const input = dataset.value;
    const result = inner['~run'](dataset, config);
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return result;
    // Drop valibot's own unknown-key issue for this table (it named only the first); keep the
    // issues of nested tables, ours included.
    const issues = (result.issues ?? []).filter((issue) => !(issue.expected === 'never' && (issue.path?.length ?? 0) <= 1 && !OWN_ISSUES.has(issue)));
    for (const key of Object.keys(input)) {
      if (Object.hasOwn(entries, key)) continue;
      const near = closest(key, known);
      const value = (input as Record<string, unknown>)[key];
      const issue = {
        kind: 'schema',
        type: 'strict_object',
        input: value,
        expected: 'never',
        received: JSON.stringify(key),
        message: near === undefined ? `unknown key (known keys: ${known.join(', ')})` : `unknown key: did you mean "${near}"?`,
        path: [{ type: 'object', origin: 'key', input: input as Record<string, unknown>, key, value }],
      } as unknown as (typeof issues)[number];
      OWN_ISSUES.add(issue);
      issues.push(issue);
    }
    if (issues.length === 0) return result;
    return { ...result, typed: false, issues: issues as [(typeof issues)[number], ...typeof issues] } as ReturnType<(typeof inner)['~run']>;
  };
  return { ...inner, '~run': run } as typeof inner;
};

/** Arrays are objects to JavaScript, but never a TOML table. */
const table = v.custom<Record<string, unknown>>((value) => value !== null && typeof value === 'object' && !Array.isArray(value), 'must be a table');

const nonEmpty = (what: string) => v.pipe(v.string(`${what} must be a string`), v.nonEmpty(`${what} must not be empty`));

const pluginId = v.pipe(
  v.string('must be a string'),
  v.maxLength(64, 'must be at most 64 characters'),
  v.regex(PLUGIN_ID_PATTERN, 'must match [a-z0-9][a-z0-9._-]* (lowercase letters, digits, ".", "_", "-")'),
);

const semverVersion = v.pipe(
  v.string('must be a string'),
  // Exactly semver: `v1.2.0` or `=1.2.0` would be accepted by the library's loose parse.
  v.check(
    (value) => validVersion(value) !== null && /^\d/.test(value) && value.trim() === value,
    (issue) => `${JSON.stringify(issue.input)} is not a semver version (e.g. "1.2.0")`,
  ),
);

const semverRange = v.pipe(
  v.string('must be a string'),
  v.check(
    (value) => validRange(value) !== null,
    (issue) => `${JSON.stringify(issue.input)} is not a semver range (e.g. "^1.0")`,
  ),
);

const capability = v.pipe(
  v.record(v.string(), v.unknown(), 'must be a table such as { Hook = "after_render" }'),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    // A Hook may say which kind it is (`{ Hook = "seo_lint", kind = "collect" }`), so a plugin
    // can introduce a hook of its own; every other capability is a one-key table.
    const hookKind = dataset.value['kind'];
    const entries = Object.entries(dataset.value).filter(([key]) => !(key === 'kind' && 'Hook' in dataset.value));
    if (hookKind !== undefined && 'Hook' in dataset.value && !(HOOK_KINDS as readonly unknown[]).includes(hookKind)) {
      addIssue({ message: `kind must be one of ${HOOK_KINDS.join(', ')}, got ${JSON.stringify(hookKind)}` });
    }
    if (entries.length !== 1) {
      addIssue({ message: `must have exactly one key (one of ${Object.keys(CAPABILITY_KINDS).join(', ')}), found ${entries.length}` });
      return;
    }
    const [kind, value] = entries[0] as [string, unknown];
    const pattern = (CAPABILITY_KINDS as Record<string, RegExp>)[kind];
    if (pattern === undefined) {
      addIssue({ message: `unknown capability kind "${kind}" (expected one of ${Object.keys(CAPABILITY_KINDS).join(', ')})` });
    } else if (typeof value !== 'string' || !pattern.test(value)) {
      addIssue({ message: `${kind} must be a name string, got ${JSON.stringify(value)}` });
    } else if (kind === 'Event' && value.length > MAX_EVENT_TYPE_LENGTH) {
      addIssue({ message: `Event must be at most ${MAX_EVENT_TYPE_LENGTH} characters, got ${value.length}` });
    }
  }),
);

const dependency = v.pipe(
  table,
  strictTable({
    plugin_id: pluginId,
    version: v.optional(semverRange, '*'),
    optional: v.optional(v.boolean('must be true or false'), false),
  }),
);

const positiveInt = (max: number) => v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(max, `must be at most ${max}`));

const limits = v.pipe(
  table,
  strictTable({
    fuel: v.optional(v.union([positiveInt(Number.MAX_SAFE_INTEGER), v.literal(false)], 'must be a positive integer or false')),
    memory_bytes: v.optional(positiveInt(4 * 1024 * 1024 * 1024)),
    max_table_elements: v.optional(positiveInt(0xffff_ffff)),
    max_call_depth: v.optional(positiveInt(1_000_000)),
    max_input_bytes: v.optional(positiveInt(Number.MAX_SAFE_INTEGER)),
    max_output_bytes: v.optional(positiveInt(Number.MAX_SAFE_INTEGER)),
    max_log_bytes: v.optional(positiveInt(Number.MAX_SAFE_INTEGER)),
    max_var_bytes: v.optional(positiveInt(Number.MAX_SAFE_INTEGER)),
    max_events_per_call: v.optional(positiveInt(1_000_000)),
    max_file_handles: v.optional(positiveInt(1_000_000)),
    timeout_ms: v.optional(positiveInt(24 * 60 * 60 * 1000)),
    max_http_requests: v.optional(positiveInt(1_000_000)),
    max_http_response_bytes: v.optional(positiveInt(Number.MAX_SAFE_INTEGER)),
    http_timeout_ms: v.optional(positiveInt(24 * 60 * 60 * 1000)),
    max_http_redirects: v.optional(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(0, 'must be at least 0'), v.maxValue(100))),
  }),
);

const network = v.pipe(
  table,
  strictTable({
    allowed_hosts: v.optional(v.array(nonEmpty('a host pattern'), 'must be an array of host patterns'), []),
  }),
);

/** A WASI environment variable's name: no `=` (it separates name and value) and no NUL. */
const envName = v.pipe(v.string(), v.regex(/^[^=\0]+$/, 'an environment variable name must be non-empty, without "=" or NUL'));
const noNul = (what: string) => v.pipe(v.string(`${what} must be a string`), v.regex(/^[^\0]*$/, `${what} must not contain NUL`));

const wasi = v.pipe(
  table,
  strictTable({
    env: v.optional(v.pipe(table, v.record(envName, noNul('an environment value'), 'must be a table of strings')), {}),
    args: v.optional(v.array(noNul('an argument'), 'must be an array of strings'), []),
  }),
);

const mount = v.pipe(
  table,
  strictTable({
    path: v.pipe(
      v.string('must be a string'),
      v.regex(/^\/[^\0]*$/, 'must be an absolute path such as "/data"'),
      v.check((p) => !p.split('/').some((s) => s === '.' || s === '..'), 'must not contain "." or ".." segments'),
    ),
    mode: v.optional(v.picklist(['ro', 'rw'], 'must be "ro" or "rw"'), 'ro'),
  }),
);

const filesystem = v.pipe(
  table,
  strictTable({
    mounts: v.optional(v.array(mount, 'must be an array of { path, mode } tables'), []),
  }),
);

const sha256 = v.pipe(v.string('must be a string'), v.regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal digits'));

/**
 * Whether a path a manifest names stays inside the plugin's folder: relative, `/`-separated,
 * without `..` or `.` segments, empty segments, backslashes, drive letters or NUL.
 */
function isInsideFolder(path: string): boolean {
  if (path.startsWith('/') || path.includes('\\') || path.includes('\0') || /^[A-Za-z]:/.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** The whole plugin.toml document. Unknown keys are errors, so a typo never goes unnoticed. */
export const manifestSchema = strictTable({
  id: pluginId,
  name: nonEmpty('name'),
  version: semverVersion,
  author: v.optional(v.string('must be a string')),
  description: v.optional(v.string('must be a string')),
  license: v.optional(v.string('must be a string')),
  homepage: v.optional(v.string('must be a string')),
  priority: v.optional(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(-1_000_000), v.maxValue(1_000_000)), 100),
  wasm: v.optional(
    v.pipe(nonEmpty('wasm'), v.regex(/\.wasm$/, 'must name a .wasm file'), v.check(isInsideFolder, 'must be a relative path inside the plugin folder (no "..", no absolute path, "/" as separator)')),
    'plugin.wasm',
  ),
  sha256: v.optional(sha256),
  capabilities: v.optional(v.array(capability, 'must be an array of capability tables'), []),
  dependencies: v.optional(v.array(dependency, 'must be an array of [[dependencies]] tables'), []),
  config_schema: v.optional(v.pipe(table, v.record(v.string(), v.unknown(), 'must be a table (a JSON Schema)'))),
  limits: v.optional(limits, {}),
  network: v.optional(network, { allowed_hosts: [] }),
  wasi: v.optional(wasi),
  filesystem: v.optional(filesystem),
});

/** The validated TOML-shaped manifest. */
export type RawManifest = v.InferOutput<typeof manifestSchema>;
