/**
 * The typed errors of @reedcms/plugins. Every error the host raises is a `PluginError` with a
 * stable string `code`, the id of the plugin it concerns (when there is one) and the `cause`, so
 * a host can branch on `err.code` instead of parsing messages.
 */

/**
 * Stable error codes. New codes may be added; existing ones never change meaning. Each code's
 * comment is its documentation, and the README's table is generated from it
 * (`npm run docs:errors`).
 *
 * @example
 * ```ts
 * if (isPluginError(err) && err.code === ErrorCodes.FUEL) console.warn(err.pluginId, 'ran out of fuel');
 * ```
 */
export const ErrorCodes = {
  /** plugin.toml is malformed or invalid, or its `config_schema` is unusable or unsafe (an endless `$ref`, a pattern with no linear-time match: docs/schemas.md); `err.issues` lists every problem with its path. */
  MANIFEST: 'E_MANIFEST',
  /** A required plugin is missing, has the wrong version, failed, or forms a cycle (named); or `unload` of a plugin others require, without `cascade`. */
  DEPENDENCY: 'E_DEPENDENCY',
  /** A plugin tried something its manifest does not declare, or a content type or template function name already has another provider. */
  CAPABILITY: 'E_CAPABILITY',
  /** A plugin id is already loaded. */
  DUPLICATE: 'E_DUPLICATE',
  /** No plugin with that id is loaded. */
  NOT_FOUND: 'E_NOT_FOUND',
  /** The plugin does not implement what was asked (an undeclared command or export). */
  NOT_IMPLEMENTED: 'E_NOT_IMPLEMENTED',
  /** Reading a plugin's files failed (missing folder, manifest or wasm file; a symlink out of the folder). */
  IO: 'E_IO',
  /** The bytes are not a valid WebAssembly module, or fail their sha256. */
  WASM: 'E_WASM',
  /** The module imports something the host does not provide. */
  LINK: 'E_LINK',
  /** A declared capability lacks its export, or an export has the wrong kind. */
  EXPORT: 'E_EXPORT',
  /** The plugin's `initialize` failed (the cause says how). */
  INIT: 'E_INIT',
  /** The host's config for a plugin does not match its `config_schema`, or is too deep (256 levels) or large to validate in bounded time; `err.issues` names every bad field. */
  CONFIG: 'E_CONFIG',
  /** The data given to a plugin cannot be serialized to JSON. */
  INPUT: 'E_INPUT',
  /** The plugin's output is not UTF-8 JSON (or not the shape or encoding asked for). */
  OUTPUT: 'E_OUTPUT',
  /** The plugin reported an error itself (Extism `error_set`), or a JS handler (plugin, hook or subscriber) threw. */
  GUEST: 'E_GUEST',
  /** The guest trapped (unreachable, divide by zero, out-of-bounds access, …); its instance is replaced. */
  TRAP: 'E_TRAP',
  /** The call ran out of fuel (its CPU budget); `err.limit` names the limit, as for every limit below (see Limits). */
  FUEL: 'E_FUEL',
  /** The guest hit its memory or table cap, or the manager's `memoryBudgetBytes`. */
  MEMORY: 'E_MEMORY',
  /** The guest exceeded its call-depth limit. */
  STACK: 'E_STACK',
  /** The call took longer than its wall-clock timeout (worker isolation, or a hook's `timeoutMs`). */
  TIMEOUT: 'E_TIMEOUT',
  /** Input, output, log, variable or event size or count beyond its limit. */
  LIMIT: 'E_LIMIT',
  /** The module cannot be instrumented (unsupported proposal, malformed), or a `WebAssembly.Module` came without instrumentation. */
  INSTRUMENT: 'E_INSTRUMENT',
  /** An HTTP request was refused by the network policy. Not thrown: the guest gets a 403 response, the host a `plugin.denied` event carrying this code (docs/network.md). */
  HTTP_DENIED: 'E_HTTP_DENIED',
  /** The plugin is quarantined after repeated faults; `reload` it. */
  QUARANTINED: 'E_QUARANTINED',
  /** The manager is shut down (or shutting down). */
  CLOSED: 'E_CLOSED',
  /** This runtime or isolation mode cannot do what was asked (`{ dir }` without a file system, `isolation: 'worker'` in workerd, or for a WASI module where the runtime has no worker for it, HTTP without JSPI or workers). */
  UNSUPPORTED: 'E_UNSUPPORTED',
  /** The plugin is not active (still loading, failed or unloading); `err.cause` holds why it failed. */
  STATE: 'E_STATE',
  /** A host API was called with an argument it does not accept (a bad source, hook name, handler, option, event type or pattern); the message says which. */
  INVALID_ARGUMENT: 'E_INVALID_ARGUMENT',
  /** A bug in the host: an impossible state change, or a thrown value no other code describes. */
  INTERNAL: 'E_INTERNAL',
  /** A hook name that was never defined (only raised when the HookManager is `strictHooks`). */
  UNKNOWN_HOOK: 'E_UNKNOWN_HOOK',
  /** A hook was defined twice with different kinds or policies (or a predefined one redefined). */
  HOOK_DEFINITION: 'E_HOOK_DEFINITION',
  /** `before` / `after` constraints that cannot all hold: a cycle, or a handler ordered against its own plugin. */
  ORDER: 'E_ORDER',
  /** The caller's AbortSignal fired before the operation finished. */
  ABORTED: 'E_ABORTED',
} as const;

/**
 * One of the stable error code strings.
 *
 * @example
 * ```ts
 * const retryable = (code: ErrorCode) => code === 'E_TIMEOUT' || code === 'E_FUEL';
 * ```
 */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Options shared by every PluginError constructor. */
export interface PluginErrorOptions {
  /** The plugin the error concerns, when there is one. */
  pluginId?: string | undefined;
  /** The underlying error or reason. */
  cause?: unknown;
  /** The plugin export or host operation that failed (`hook_after_render`, `load`, …). */
  operation?: string | undefined;
}

/**
 * Base class of every error the host raises.
 *
 * @example
 * ```ts
 * try {
 *   await manager.load({ dir: 'plugins/seo' });
 * } catch (err) {
 *   if (err instanceof PluginError && err.code === 'E_MANIFEST') console.error(err.message);
 * }
 * ```
 */
export class PluginError extends Error {
  override name = 'PluginError';
  /** Stable machine-readable code, e.g. `E_MANIFEST`. */
  readonly code: ErrorCode;
  /** The plugin concerned, or undefined for host-level errors. */
  readonly pluginId: string | undefined;
  /** The export or host operation that failed, when known. */
  readonly operation: string | undefined;

  constructor(code: ErrorCode, message: string, options: PluginErrorOptions = {}) {
    const prefix = options.pluginId === undefined ? '' : `[${options.pluginId}] `;
    super(`${prefix}${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.pluginId = options.pluginId;
    this.operation = options.operation;
  }

  /** A plain, JSON-friendly description (for events, logs and stats). */
  toJSON(): { name: string; code: ErrorCode; pluginId: string | undefined; operation: string | undefined; message: string } {
    return { name: this.name, code: this.code, pluginId: this.pluginId, operation: this.operation, message: this.message };
  }
}

/**
 * One problem found in a manifest, with the path of the offending field.
 *
 * @example
 * ```ts
 * if (err instanceof ManifestError) for (const issue of err.issues) console.error(`${issue.path}: ${issue.message}`);
 * ```
 */
export interface ManifestIssue {
  /** Dotted path with indexes, e.g. `dependencies[0].version`; empty for the whole document. */
  path: string;
  message: string;
}

/**
 * A manifest that cannot be used. `issues` holds every problem found, not just the first.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof ManifestError) for (const i of err.issues) console.log(i.path, i.message); }
 * ```
 */
export class ManifestError extends PluginError {
  override name = 'ManifestError';
  readonly issues: readonly ManifestIssue[];

  constructor(issues: readonly ManifestIssue[], options: PluginErrorOptions = {}) {
    super(ErrorCodes.MANIFEST, describeIssues('invalid plugin manifest', issues), options);
    this.issues = issues;
  }
}

/** One issue as text: `path: message`, or the message alone when it concerns the whole document. */
export function describeIssue(issue: ManifestIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

/** A titled list of issues, one per line (ManifestError, ConfigError). */
export function describeIssues(title: string, issues: readonly ManifestIssue[]): string {
  return `${title}:\n  - ${issues.map(describeIssue).join('\n  - ')}`;
}

/**
 * A dependency problem: missing, wrong version, failed, or a cycle (named in the message).
 *
 * @example
 * ```ts
 * if (err instanceof DependencyError) console.log(err.dependency, err.message);
 * ```
 */
export class DependencyError extends PluginError {
  override name = 'DependencyError';
  /** The dependency that is missing or wrong (or the cycle, as `a -> b -> a`). */
  readonly dependency: string;

  constructor(message: string, dependency: string, options: PluginErrorOptions = {}) {
    super(ErrorCodes.DEPENDENCY, message, options);
    this.dependency = dependency;
  }
}

/**
 * The guest misbehaved during a call: reported an error, trapped, returned bad output, or hit a
 * limit. `limit` names the limit that was hit, when one was.
 *
 * @example
 * ```ts
 * if (err instanceof GuestError && err.code === 'E_FUEL') console.log(err.limit); // { name: 'fuel', value: 1000000 }
 * ```
 */
export class GuestError extends PluginError {
  override name = 'GuestError';
  /** The limit that stopped the call, for E_FUEL / E_MEMORY / E_STACK / E_TIMEOUT / E_LIMIT. */
  readonly limit: { name: string; value: number } | undefined;

  constructor(code: ErrorCode, message: string, options: PluginErrorOptions & { limit?: { name: string; value: number } } = {}) {
    super(code, message, options);
    this.limit = options.limit;
  }
}

/**
 * Returns true when `value` is a PluginError with the given code (or any code when omitted).
 *
 * @example
 * ```ts
 * if (isPluginError(err, 'E_CLOSED')) return;
 * ```
 */
export function isPluginError(value: unknown, code?: ErrorCode): value is PluginError {
  return value instanceof PluginError && (code === undefined || value.code === code);
}

/**
 * A readable message for any thrown value (errors are not always Errors): the one way the host
 * turns an error into text. A plain Error's cause is added when its message lacks it (fetch's
 * "fetch failed" hides the ECONNREFUSED); a PluginError's message already tells its cause.
 */
export function describeError(value: unknown): string {
  if (value instanceof Error) {
    const { cause } = value;
    return !(value instanceof PluginError) && cause instanceof Error && !value.message.includes(cause.message) ? `${value.message}: ${cause.message}` : value.message;
  }
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
