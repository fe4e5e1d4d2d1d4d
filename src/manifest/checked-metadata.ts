/**
 * How the Vite plugin hands over a manifest it already read and validated at build time: the
 * `PluginMetadata` under a registry symbol beside the manifest text, so the page neither parses
 * nor validates it again (and never downloads the reader). A symbol key cannot come out of
 * `JSON.parse` or TOML: only code that means to skip the check can set it.
 */
import type { PluginMetadata } from './types.ts';

/** The symbol's registry key (`Symbol.for`), which the generated module spells out. */
export const CHECKED_METADATA_KEY = 'reedcms.plugins.checkedMetadata';

/** The symbol a source carries checked metadata under. */
export const CHECKED_METADATA: unique symbol = Symbol.for(CHECKED_METADATA_KEY) as never;

/** Whether a value has the fields the manager reads before anything else (a guard against a stale or foreign shape). */
export function isCheckedMetadata(value: unknown): value is PluginMetadata {
  if (value === null || typeof value !== 'object') return false;
  const m = value as Partial<Record<keyof PluginMetadata, unknown>>;
  return (
    typeof m.id === 'string' &&
    typeof m.version === 'string' &&
    typeof m.priority === 'number' &&
    Array.isArray(m.capabilities) &&
    Array.isArray(m.dependencies) &&
    typeof m.limits === 'object' &&
    typeof m.network === 'object'
  );
}
