/**
 * The JSON Schema validator (bounded-schema.ts and @cfworker/json-schema), loaded on first use:
 * only a plugin that declares a schema (`config_schema`, a content type's schema) needs it, so a
 * frontend bundle whose plugins declare none never downloads it.
 */
import { cachedImport } from '../util/cached-import.ts';

type SchemaModule = typeof import('./bounded-schema.ts');

const validator = cachedImport<SchemaModule>(() => import('./bounded-schema.ts'));

/** The validator, loading it on the first call (cached after that; a failed load is retried). */
export function loadBoundedSchema(): Promise<SchemaModule> {
  return validator.get();
}

/**
 * The validator, already loaded: for the synchronous paths that run only after an awaited
 * {@link loadBoundedSchema} (a content type's schema is compiled at load, validated later).
 *
 * @throws Error when nothing loaded it first (a bug in the caller, never the plugin's doing).
 */
export function loadedBoundedSchema(): SchemaModule {
  const loaded = validator.loaded();
  if (loaded === undefined) throw new Error('the JSON Schema validator is used before it was loaded');
  return loaded;
}
