/**
 * Turns plugin.toml text (or an object of the same shape) into validated `PluginMetadata`,
 * reporting every problem at once with its path.
 */
import * as v from 'valibot';
import { parse as parseToml, TomlError } from 'smol-toml';
import { ManifestError, describeError, type ManifestIssue } from '../errors.ts';
import { manifestSchema, PLUGIN_ID_PATTERN, type RawManifest } from './schema.ts';
import type { Capability, ManifestInput, PluginMetadata, RequestedLimits } from './types.ts';

/**
 * Bounds of a manifest document, so reading it takes bounded stack and time: TOML nested deeper
 * fails to parse, and an object manifest (from a JS caller) deeper or larger, or cyclic, is
 * refused before it is walked.
 */
const MAX_MANIFEST_DEPTH = 1_000;
const MAX_MANIFEST_VALUES = 1_000_000;
/** plugin.toml is written by hand: 1 MiB is far past any real one (parsing costs ~0.3 µs per character). */
const MAX_MANIFEST_CHARS = 1024 * 1024;

/** Keys whose values are user data (a JSON Schema), never renamed. */
const OPAQUE_KEYS = new Set(['config_schema', 'env']);

/**
 * Parses and validates a manifest.
 *
 * @param input plugin.toml text, or an object of the same shape.
 * @param source where it came from (a path or name), for error messages.
 * @throws ManifestError (`E_MANIFEST`) listing every problem with its path.
 *
 * @example
 * ```ts
 * const meta = parseManifest('id = "seo"\nname = "SEO"\nversion = "1.0.0"');
 * meta.priority; // 100
 * ```
 */
export function parseManifest(input: ManifestInput, source?: string): PluginMetadata {
  const document = typeof input === 'string' ? parseTomlText(input, source) : input;
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new ManifestError(withSource([{ path: '', message: 'a manifest must be a table (object)' }], source), { operation: 'parse' });
  }
  const shape = shapeProblem(document);
  if (shape !== undefined) throw new ManifestError(withSource([{ path: '', message: shape }], source), { operation: 'parse' });
  const normalized = snakeCaseKeys(document);
  const result = v.safeParse(manifestSchema, normalized, { abortEarly: false });
  if (!result.success) {
    const id = normalized['id'];
    const pluginId = typeof id === 'string' && id.length <= 64 && PLUGIN_ID_PATTERN.test(id) ? id : undefined;
    const issues = result.issues.map(toManifestIssue);
    throw new ManifestError(withSource(issues, source), { pluginId, operation: 'parse' });
  }
  return toMetadata(result.output);
}

function parseTomlText(text: string, source: string | undefined): Record<string, unknown> {
  if (text.length > MAX_MANIFEST_CHARS) {
    throw new ManifestError(
      withSource([{ path: '', message: `a manifest may be at most ${MAX_MANIFEST_CHARS.toLocaleString('en-US')} characters (this one has ${text.length.toLocaleString('en-US')})` }], source),
      { operation: 'parse' },
    );
  }
  try {
    return parseToml(text, { maxDepth: MAX_MANIFEST_DEPTH }) as Record<string, unknown>;
  } catch (err) {
    const where = err instanceof TomlError ? ` (line ${err.line}, column ${err.column})` : '';
    const first = describeError(err).split('\n')[0] ?? '';
    throw new ManifestError(withSource([{ path: '', message: `malformed TOML${where}: ${first}` }], source), {
      cause: err,
      operation: 'parse',
    });
  }
}

/** Why a document is too deep or too large to walk (iteratively: the walk itself must not overflow). */
function shapeProblem(document: object): string | undefined {
  const stack: Array<[unknown, number]> = [[document, 0]];
  let values = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (++values > MAX_MANIFEST_VALUES) return `a manifest may hold at most ${MAX_MANIFEST_VALUES.toLocaleString('en-US')} values (or it refers to itself)`;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_MANIFEST_DEPTH) return `a manifest may be nested at most ${MAX_MANIFEST_DEPTH} levels deep`;
    for (const inner of Object.values(value)) stack.push([inner, depth + 1]);
  }
  return undefined;
}

function withSource(issues: ManifestIssue[], source: string | undefined): ManifestIssue[] {
  if (source === undefined) return issues;
  return issues.map((issue) => ({ ...issue, message: `${issue.message} (in ${source})` }));
}

/** Formats valibot's path as `dependencies[0].version`. */
function toManifestIssue(issue: v.BaseIssue<unknown>): ManifestIssue {
  let path = '';
  for (const item of issue.path ?? []) {
    const key = (item as { key?: unknown }).key;
    if (typeof key === 'number') path += `[${key}]`;
    else path += path === '' ? String(key) : `.${String(key)}`;
  }
  // A missing required field arrives as "expected string, received undefined": say it plainly.
  const message = issue.received === 'undefined' && issue.kind === 'schema' ? 'is required' : issue.message;
  return { path, message };
}

/** camelCase → snake_case for manifest keys, so JS callers may write either. */
function snakeCaseKeys(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const name = isCapabilityKind(key) ? key : snake;
    out[name] = OPAQUE_KEYS.has(name) ? inner : normalizeValue(inner);
  }
  return out;
}

function normalizeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeValue);
  if (value !== null && typeof value === 'object') return snakeCaseKeys(value as Record<string, unknown>);
  return value;
}

/** Capability kinds are PascalCase by design (`ContentType`) and keep their spelling. */
function isCapabilityKind(key: string): boolean {
  return /^[A-Z]/.test(key);
}

/** plugin.toml's `[limits]` keys and the RequestedLimits field each one sets. */
const LIMIT_FIELDS: Readonly<Record<keyof RawManifest['limits'], keyof RequestedLimits>> = {
  fuel: 'fuel',
  memory_bytes: 'memoryBytes',
  max_table_elements: 'maxTableElements',
  max_call_depth: 'maxCallDepth',
  max_input_bytes: 'maxInputBytes',
  max_output_bytes: 'maxOutputBytes',
  max_log_bytes: 'maxLogBytes',
  max_var_bytes: 'maxVarBytes',
  max_events_per_call: 'maxEventsPerCall',
  max_file_handles: 'maxFileHandles',
  timeout_ms: 'timeoutMs',
  max_http_requests: 'maxHttpRequests',
  max_http_response_bytes: 'maxHttpResponseBytes',
  http_timeout_ms: 'httpTimeoutMs',
  max_http_redirects: 'maxHttpRedirects',
};

function toMetadata(raw: RawManifest): PluginMetadata {
  const meta: PluginMetadata = {
    id: raw.id,
    name: raw.name,
    version: raw.version,
    priority: raw.priority,
    wasm: raw.wasm,
    capabilities: raw.capabilities as unknown as Capability[],
    dependencies: raw.dependencies.map((d) => ({ pluginId: d.plugin_id, version: d.version, optional: d.optional })),
    limits: {},
    network: { allowedHosts: [...raw.network.allowed_hosts] },
  };
  if (raw.author !== undefined) meta.author = raw.author;
  if (raw.description !== undefined) meta.description = raw.description;
  if (raw.license !== undefined) meta.license = raw.license;
  if (raw.homepage !== undefined) meta.homepage = raw.homepage;
  if (raw.sha256 !== undefined) meta.sha256 = raw.sha256.toLowerCase();
  if (raw.config_schema !== undefined) meta.configSchema = raw.config_schema;
  if (raw.wasi !== undefined) meta.wasi = { args: [...raw.wasi.args], env: { ...raw.wasi.env } };
  if (raw.filesystem !== undefined) meta.filesystem = { mounts: raw.filesystem.mounts.map((m) => ({ path: m.path, mode: m.mode })) };
  for (const [key, value] of Object.entries(raw.limits)) {
    if (value !== undefined) (meta.limits as Record<string, unknown>)[LIMIT_FIELDS[key as keyof RawManifest['limits']]] = value;
  }
  return meta;
}
