/**
 * The five hook kinds and the exact shapes their handlers return. Every kind's output is checked
 * here, in one place, because handlers are untrusted: a guard that returns `"yes"` must not be
 * mistaken for an allow.
 */
import type { PluginError } from '../errors.ts';

/**
 * How a hook combines its handlers:
 * - `filter`: each handler gets the previous result (a waterfall).
 * - `guard`: allow / deny / abstain; the first deny wins; a failing handler denies.
 * - `first`: the first non-null result wins; later handlers do not run.
 * - `collect`: every handler runs; their findings are merged.
 * - `action`: every handler runs (plugins concurrently); results are ignored.
 *
 * @example
 * ```ts
 * hooks.define('search_rank', { kind: 'filter' });
 * ```
 */
export type HookKind = (typeof HOOK_KINDS)[number];

/** Every kind, for validation (here and in the manifest) and docs. */
export const HOOK_KINDS = ['filter', 'guard', 'first', 'collect', 'action'] as const;

/**
 * What a guard handler returns: `{ allow: true }`, `{ allow: false, reason }`, or `null` /
 * `undefined` to abstain. Nothing else (not even a bare boolean) is accepted: a guard decides
 * access, so an ambiguous answer is an error, and an error is a deny.
 *
 * @example
 * ```ts
 * hooks.register('auth_check', (req) => (req.user ? undefined : { allow: false, reason: 'login required' }));
 * ```
 */
export type GuardVerdict = { allow: true } | { allow: false; reason?: string } | null | undefined | void;

/**
 * What executing a guard resolves with. `pluginId` and `reason` name the handler that denied;
 * `error` is set when the deny came from a failing handler (fail-closed).
 *
 * @example
 * ```ts
 * const verdict = await hooks.execute('auth_check', request);
 * if (!verdict.allowed) return new Response(verdict.reason, { status: 403 });
 * ```
 */
export type GuardResult = { allowed: true } | { allowed: false; reason: string; pluginId: string | undefined; error?: PluginError };

/**
 * One finding of a `collect` handler.
 *
 * @example
 * ```ts
 * const finding: Finding = { path: 'title', message: 'must not be empty' };
 * ```
 */
export interface Finding {
  /** Where the problem is (a dotted path); `''` for the whole value. */
  path: string;
  message: string;
}

/**
 * What a `collect` handler returns: an array of findings, `{ errors: [...] }` (the shape the
 * whole hook resolves with, so validators can be composed), or `null` / `undefined` for none.
 */
export type CollectOutput = readonly FindingInput[] | { errors: readonly FindingInput[] } | null | undefined | void;

/** A finding as a handler may write it: `path` may be left out (it then means the whole value). */
export interface FindingInput {
  path?: string;
  message: string;
}

/**
 * What executing a `collect` hook resolves with: every finding, tagged with its plugin.
 *
 * @example
 * ```ts
 * const { valid, errors } = await hooks.execute('validate_data', doc);
 * ```
 */
export interface CollectResult {
  valid: boolean;
  errors: Array<Finding & { pluginId: string | undefined }>;
}

/**
 * Checks a guard handler's output. Returns the verdict (`'abstain'`, `true`, or the deny reason)
 * or a description of what is wrong, as `{ invalid }`.
 */
export function readGuardVerdict(value: unknown): 'abstain' | 'allow' | { deny: string } | { invalid: string } {
  if (value === undefined || value === null) return 'abstain';
  if (typeof value !== 'object' || Array.isArray(value)) return { invalid: `expected { allow: boolean, reason?: string }, null or undefined; got ${typeOf(value)}` };
  const { allow, reason } = value as { allow?: unknown; reason?: unknown };
  if (allow === true) return 'allow';
  if (allow !== false) return { invalid: `"allow" must be true or false; got ${typeOf(allow)}` };
  if (reason !== undefined && typeof reason !== 'string') return { invalid: `"reason" must be a string; got ${typeOf(reason)}` };
  return { deny: reason ?? 'denied' };
}

/** Checks a collect handler's output and returns its findings, or `{ invalid }`. */
export function readFindings(value: unknown): Finding[] | { invalid: string } {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : typeof value === 'object' && Array.isArray((value as { errors?: unknown }).errors) ? (value as { errors: unknown[] }).errors : undefined;
  if (list === undefined) return { invalid: `expected an array of { path, message } or { errors: [...] }; got ${typeOf(value)}` };
  const findings: Finding[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i] as { path?: unknown; message?: unknown } | null;
    if (item === null || typeof item !== 'object') return { invalid: `finding ${i} must be an object; got ${typeOf(item)}` };
    if (typeof item.message !== 'string') return { invalid: `finding ${i}: "message" must be a string; got ${typeOf(item.message)}` };
    if (item.path !== undefined && typeof item.path !== 'string') return { invalid: `finding ${i}: "path" must be a string; got ${typeOf(item.path)}` };
    // Copy only the two known fields: a finding must not smuggle anything else to the host.
    findings.push({ path: item.path ?? '', message: item.message });
  }
  return findings;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
