/**
 * The hook points ReedCMS defines. Plugins declare them as `{ Hook = "after_render" }` and
 * export `hook_after_render`.
 *
 * @example
 * ```ts
 * const html = await manager.hooks.execute(Hooks.AFTER_RENDER, page);
 * ```
 */
export const Hooks = {
  /** Filter: the page (content + meta) before it is rendered. */
  BEFORE_RENDER: 'before_render',
  /** Filter: the rendered page (HTML) before it is sent. */
  AFTER_RENDER: 'after_render',
  /** Filter: content about to be saved. */
  BEFORE_SAVE: 'before_save',
  /** Action: content was saved. */
  AFTER_SAVE: 'after_save',
  /** Guard: may this content be deleted? */
  BEFORE_DELETE: 'before_delete',
  /** Action: content was deleted. */
  AFTER_DELETE: 'after_delete',
  /** Guard: may this request proceed? */
  AUTH_CHECK: 'auth_check',
  /** First: which handler answers this route? */
  ROUTE_MATCH: 'route_match',
  /** Filter: arbitrary data transformation. */
  TRANSFORM_DATA: 'transform_data',
  /** Collect: validation findings from every plugin. */
  VALIDATE_DATA: 'validate_data',
} as const;

/**
 * One of the predefined hook names.
 *
 * @example
 * ```ts
 * const rendering: HookName[] = [Hooks.BEFORE_RENDER, Hooks.AFTER_RENDER];
 * ```
 */
export type HookName = (typeof Hooks)[keyof typeof Hooks];

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
