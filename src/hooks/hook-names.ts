/**
 * The hook points ReedCMS defines, written once: the `Hooks` constants, the `BuiltinHooks` type
 * and the predefined definitions are all derived from `BUILTIN_HOOKS`.
 */
import type { HookKind } from './hook-kinds.ts';

/**
 * The predefined hooks: the constant's key (its name is the key in lower case), its kind and
 * what it is for. The error policy follows from the kind (see `defaultPolicy`).
 */
export const BUILTIN_HOOKS = {
  BEFORE_RENDER: { kind: 'filter', description: 'The page (content + meta) before it is rendered.' },
  AFTER_RENDER: { kind: 'filter', description: 'The rendered page (HTML) before it is sent.' },
  BEFORE_SAVE: { kind: 'filter', description: 'Content about to be saved.' },
  AFTER_SAVE: { kind: 'action', description: 'Content was saved.' },
  BEFORE_DELETE: { kind: 'guard', description: 'May this content be deleted?' },
  AFTER_DELETE: { kind: 'action', description: 'Content was deleted.' },
  AUTH_CHECK: { kind: 'guard', description: 'May this request proceed?' },
  ROUTE_MATCH: { kind: 'first', description: 'Which handler answers this route?' },
  TRANSFORM_DATA: { kind: 'filter', description: 'Arbitrary data transformation.' },
  VALIDATE_DATA: { kind: 'collect', description: 'Validation findings from every plugin.' },
} as const satisfies Record<string, { kind: HookKind; description: string }>;

type BuiltinKey = keyof typeof BUILTIN_HOOKS;

/**
 * The hook points ReedCMS defines. Plugins declare them as `{ Hook = "after_render" }` and
 * export `hook_after_render`.
 *
 * @example
 * ```ts
 * const html = await manager.hooks.execute(Hooks.AFTER_RENDER, page);
 * ```
 */
export const Hooks = Object.freeze(Object.fromEntries(Object.keys(BUILTIN_HOOKS).map((key) => [key, key.toLowerCase()]))) as {
  readonly [K in BuiltinKey]: Lowercase<K>;
};

/**
 * One of the predefined hook names.
 *
 * @example
 * ```ts
 * const rendering: HookName[] = [Hooks.BEFORE_RENDER, Hooks.AFTER_RENDER];
 * ```
 */
export type HookName = (typeof Hooks)[BuiltinKey];

/** The kind of each predefined hook, by name. */
export type BuiltinHookKinds = { [K in BuiltinKey as Lowercase<K>]: (typeof BUILTIN_HOOKS)[K]['kind'] };

/**
 * The export a WASM plugin provides for a hook: `hook_` plus the name with every character
 * outside `[A-Za-z0-9_]` replaced by `_` (hook names may contain dots or dashes; export names
 * in most PDK languages may not).
 *
 * @example
 * ```ts
 * hookExportName('content.render-end'); // 'hook_content_render_end'
 * ```
 */
export function hookExportName(hook: string): string {
  return `hook_${hook.replace(/[^A-Za-z0-9_]/g, '_')}`;
}
