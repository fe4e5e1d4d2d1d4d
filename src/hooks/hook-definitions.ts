/**
 * Hook definitions: each hook name has one kind and one error policy. The ten predefined hooks
 * come defined; a host or plugin defines its own with `hooks.define`. Definitions are checked
 * here so that two parties can define the same hook only if they agree on it.
 */
import { ErrorCodes, PluginError } from '../errors.ts';
import { HOOK_KINDS, type HookKind } from './hook-kinds.ts';
import { BUILTIN_HOOKS, type HookName } from './hook-names.ts';

/**
 * What happens when a handler throws, times out on its own, or returns the wrong shape:
 * - `skip`: the handler's contribution is dropped, the error goes to `onHandlerError`
 *   (the manager publishes `plugin.error`), and the hook goes on.
 * - `fail`: `execute` rejects with the error.
 * - `deny`: guards only, and their default: the failure counts as a deny (fail-closed).
 *
 * @example
 * ```ts
 * hooks.define('publish_check', { kind: 'guard', errorPolicy: 'fail' });
 * ```
 */
export type ErrorPolicy = 'skip' | 'fail' | 'deny';

/**
 * A hook's definition, as `define` takes it and `definition` returns it.
 *
 * @example
 * ```ts
 * const def: HookDefinition = { kind: 'collect', errorPolicy: 'skip', description: 'SEO lint findings' };
 * ```
 */
export interface HookDefinition {
  kind: HookKind;
  errorPolicy: ErrorPolicy;
  description?: string;
}

/** The definition as stored, with where it came from. */
export interface StoredDefinition extends HookDefinition {
  /** `builtin` (the ten predefined), `defined` (by `define`) or `implicit` (a filter created by `register`). */
  origin: 'builtin' | 'defined' | 'implicit';
}

/**
 * What `define` accepts: the policy defaults by kind (`deny` for guards, `skip` otherwise).
 *
 * @example
 * ```ts
 * const options: DefineOptions = { kind: 'guard', description: 'May this comment be published?' };
 * manager.hooks.define('comment_check', options);
 * ```
 */
export interface DefineOptions {
  kind: HookKind;
  errorPolicy?: ErrorPolicy;
  description?: string;
}

/**
 * The predefined hooks' definitions, derived from `BUILTIN_HOOKS`.
 */
export const BUILTIN_DEFINITIONS: Readonly<Record<HookName, HookDefinition>> = Object.fromEntries(
  Object.entries(BUILTIN_HOOKS).map(([key, { kind, description }]) => [key.toLowerCase(), { kind, errorPolicy: defaultPolicy(kind), description }]),
) as Record<HookName, HookDefinition>;

/** A kind's error policy when none is given: guards fail closed (`deny`), the rest `skip`. */
function defaultPolicy(kind: HookKind): ErrorPolicy {
  return kind === 'guard' ? 'deny' : 'skip';
}

/** Validates `define` options and fills in the default policy. */
export function normalizeDefinition(name: string, options: DefineOptions): HookDefinition {
  if (typeof name !== 'string' || name === '') throw new PluginError(ErrorCodes.INVALID_ARGUMENT, 'a hook name must be a non-empty string');
  if (options === null || typeof options !== 'object' || !HOOK_KINDS.includes(options.kind)) {
    throw new PluginError(ErrorCodes.INVALID_ARGUMENT, `hook "${name}": kind must be one of ${HOOK_KINDS.join(', ')}`);
  }
  const errorPolicy = options.errorPolicy ?? defaultPolicy(options.kind);
  checkPolicy(name, options.kind, errorPolicy);
  const definition: HookDefinition = { kind: options.kind, errorPolicy };
  if (options.description !== undefined) definition.description = options.description;
  return definition;
}

/**
 * Throws unless `policy` is allowed for `kind`: guards fail closed (`deny` or `fail`, never
 * `skip`), and only guards can `deny`.
 */
export function checkPolicy(name: string, kind: HookKind, policy: ErrorPolicy): void {
  if (policy !== 'skip' && policy !== 'fail' && policy !== 'deny') {
    throw new PluginError(ErrorCodes.INVALID_ARGUMENT, `hook "${name}": errorPolicy must be skip, fail or deny`);
  }
  if (kind === 'guard' && policy === 'skip') {
    throw new PluginError(ErrorCodes.HOOK_DEFINITION, `hook "${name}" is a guard: guards fail closed, so its errorPolicy is "deny" or "fail", never "skip"`);
  }
  if (kind !== 'guard' && policy === 'deny') {
    throw new PluginError(ErrorCodes.HOOK_DEFINITION, `hook "${name}" is a ${kind}: only guards can use errorPolicy "deny"`);
  }
}

/**
 * Is `next` the same definition as `current` (so defining it again is a harmless no-op)?
 * Descriptions do not count: two plugins may describe the same hook differently.
 */
export function sameDefinition(current: HookDefinition, next: HookDefinition): boolean {
  return current.kind === next.kind && current.errorPolicy === next.errorPolicy;
}
