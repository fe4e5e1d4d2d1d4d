/**
 * Hook definitions: each hook name has one kind and one error policy. The ten predefined hooks
 * come defined; a host or plugin defines its own with `hooks.define`. Definitions are checked
 * here so that two parties can define the same hook only if they agree on it.
 */
import { ErrorCodes, PluginError } from '../errors.ts';
import { HOOK_KINDS, type HookKind } from './hook-kinds.ts';
import { Hooks } from './hook-names.ts';

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

/** The predefined hooks and their kinds (the seed's ten). */
export const BUILTIN_DEFINITIONS: Readonly<Record<(typeof Hooks)[keyof typeof Hooks], HookDefinition>> = {
  [Hooks.BEFORE_RENDER]: { kind: 'filter', errorPolicy: 'skip', description: 'The page (content + meta) before it is rendered.' },
  [Hooks.AFTER_RENDER]: { kind: 'filter', errorPolicy: 'skip', description: 'The rendered page (HTML) before it is sent.' },
  [Hooks.BEFORE_SAVE]: { kind: 'filter', errorPolicy: 'skip', description: 'Content about to be saved.' },
  [Hooks.TRANSFORM_DATA]: { kind: 'filter', errorPolicy: 'skip', description: 'Arbitrary data transformation.' },
  [Hooks.AUTH_CHECK]: { kind: 'guard', errorPolicy: 'deny', description: 'May this request proceed?' },
  [Hooks.BEFORE_DELETE]: { kind: 'guard', errorPolicy: 'deny', description: 'May this content be deleted?' },
  [Hooks.ROUTE_MATCH]: { kind: 'first', errorPolicy: 'skip', description: 'Which handler answers this route?' },
  [Hooks.VALIDATE_DATA]: { kind: 'collect', errorPolicy: 'skip', description: 'Validation findings from every plugin.' },
  [Hooks.AFTER_SAVE]: { kind: 'action', errorPolicy: 'skip', description: 'Content was saved.' },
  [Hooks.AFTER_DELETE]: { kind: 'action', errorPolicy: 'skip', description: 'Content was deleted.' },
};

/** Validates `define` options and fills in the default policy. */
export function normalizeDefinition(name: string, options: DefineOptions): HookDefinition {
  if (typeof name !== 'string' || name === '') throw new TypeError('a hook name must be a non-empty string');
  if (options === null || typeof options !== 'object' || !HOOK_KINDS.includes(options.kind)) {
    throw new TypeError(`hook "${name}": kind must be one of ${HOOK_KINDS.join(', ')}`);
  }
  const errorPolicy = options.errorPolicy ?? (options.kind === 'guard' ? 'deny' : 'skip');
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
    throw new TypeError(`hook "${name}": errorPolicy must be skip, fail or deny`);
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
