/**
 * The content types plugins contribute (`{ ContentType = "article" }`): a registry the host can
 * query and validate content against. Each name has exactly one provider.
 */
import type { ValidationResult } from '@cfworker/json-schema';
import { ErrorCodes, PluginError, describeError } from '../errors.ts';
import type { ContentTypeDefinition } from '../plugin/types.ts';
import type { BoundedSchema } from '../schema/bounded-schema.ts';
import { DataRefusal } from '../schema/data-scan.ts';
import { loadedBoundedSchema } from '../schema/schema-loader.ts';

/**
 * A registered content type.
 *
 * @example
 * ```ts
 * const info: ContentTypeInfo | undefined = manager.contentTypes.get('article'); // { name, pluginId, definition }
 * ```
 */
export interface ContentTypeInfo {
  name: string;
  pluginId: string;
  definition: ContentTypeDefinition;
}

/**
 * The result of validating content.
 *
 * @example
 * ```ts
 * const { valid, errors }: ContentValidation = manager.contentTypes.validate('article', draft);
 * ```
 */
export interface ContentValidation {
  valid: boolean;
  errors: Array<{ path: string; message: string }>;
}

interface Entry extends ContentTypeInfo {
  validator: BoundedSchema | undefined;
}

/**
 * Content types by name.
 *
 * @example
 * ```ts
 * manager.contentTypes.list();                              // [{ name: 'article', pluginId: 'blog', … }]
 * manager.contentTypes.validate('article', { title: '' });  // { valid: false, errors: [...] }
 * ```
 */
export class ContentTypeRegistry {
  readonly #types = new Map<string, Entry>();

  /**
   * Every registered type, sorted by name.
   *
   * @example
   * ```ts
   * manager.contentTypes.list().map((t) => t.name);
   * ```
   */
  list(): ContentTypeInfo[] {
    return [...this.#types.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map(({ name, pluginId, definition }) => ({ name, pluginId, definition }));
  }

  /**
   * One type, or undefined.
   *
   * @example
   * ```ts
   * manager.contentTypes.get('article')?.definition.label;
   * ```
   */
  get(name: string): ContentTypeInfo | undefined {
    const entry = this.#types.get(name);
    return entry === undefined ? undefined : { name: entry.name, pluginId: entry.pluginId, definition: entry.definition };
  }

  /**
   * Validates content against a type's schema (a type without a schema accepts anything).
   *
   * @throws PluginError `E_NOT_FOUND` for an unknown type; `E_INPUT` for content that cannot be
   *   validated in bounded time (nested past 256 levels, an array too long for `uniqueItems`);
   *   `E_OUTPUT` (blaming the providing plugin) when its schema needs more than its bounds.
   *
   * @example
   * ```ts
   * const { valid, errors } = manager.contentTypes.validate('article', draft);
   * ```
   */
  validate(name: string, content: unknown): ContentValidation {
    const entry = this.#types.get(name);
    if (entry === undefined) throw new PluginError(ErrorCodes.NOT_FOUND, `no content type "${name}" is registered`, { operation: 'contentTypes.validate' });
    if (entry.validator === undefined) return { valid: true, errors: [] };
    let result: ValidationResult;
    try {
      result = entry.validator.validate(content);
    } catch (err) {
      if (err instanceof DataRefusal) {
        throw new PluginError(ErrorCodes.INPUT, `content for type "${name}" cannot be validated: ${err.message}`, { pluginId: entry.pluginId, cause: err, operation: 'contentTypes.validate' });
      }
      // A schema that compiles but fails on use (too much work for this content) is the plugin's fault.
      throw new PluginError(ErrorCodes.OUTPUT, `content type "${name}" has a schema that cannot validate: ${describeError(err)}`, {
        pluginId: entry.pluginId,
        cause: err,
        operation: 'contentTypes.validate',
      });
    }
    return {
      valid: result.valid,
      errors: result.errors.filter((e) => e.keyword !== 'properties' && e.keyword !== 'items').map((e) => ({ path: e.instanceLocation.replace(/^#\/?/, '').replace(/\//g, '.'), message: e.error })),
    };
  }

  /**
   * Replaces everything a plugin contributes with `types` (used on load, reload and unload).
   *
   * @throws PluginError `E_CAPABILITY` when another plugin already provides one of the names.
   *
   * @example
   * ```ts
   * registry.replacePlugin('blog', { article: { schema } });
   * ```
   */
  replacePlugin(pluginId: string, types: Readonly<Record<string, ContentTypeDefinition>>): void {
    this.checkPlugin(pluginId, Object.keys(types));
    const entries: Entry[] = Object.entries(types).map(([name, definition]) => ({ name, pluginId, definition, validator: compile(definition, pluginId, name) }));
    for (const [name, entry] of this.#types) if (entry.pluginId === pluginId) this.#types.delete(name);
    for (const entry of entries) this.#types.set(entry.name, entry);
  }

  /**
   * Checks, without changing anything, that `replacePlugin` would succeed.
   *
   * @example
   * ```ts
   * registry.checkPlugin('blog', ['article'], { article: { schema } });
   * ```
   */
  checkPlugin(pluginId: string, names: readonly string[], definitions?: Readonly<Record<string, ContentTypeDefinition>>): void {
    // Compiled here too, so a bad schema fails the load before the plugin goes live.
    for (const [name, definition] of Object.entries(definitions ?? {})) compile(definition, pluginId, name);
    for (const name of names) {
      const owner = this.#types.get(name)?.pluginId;
      if (owner !== undefined && owner !== pluginId) {
        throw new PluginError(ErrorCodes.CAPABILITY, `content type "${name}" is already provided by plugin "${owner}"`, { pluginId, operation: 'contentTypes.register' });
      }
    }
  }
}

function compile(definition: ContentTypeDefinition, pluginId: string, name: string): BoundedSchema | undefined {
  if (definition.schema === undefined) return undefined;
  // Content comes from CMS users and is validated on the host's thread, outside any fuel
  // budget: the plugin's schema runs bounded (no backtracking regex, no endless $ref).
  try {
    // Loaded by the manager before a definition with a schema gets here (readContributions).
    return loadedBoundedSchema().BoundedSchema.compile(definition.schema, 'schema');
  } catch (err) {
    // A SchemaRefusal's message lists every issue with its path.
    throw new PluginError(ErrorCodes.OUTPUT, `content type "${name}" has an unusable schema: ${describeError(err)}`, { pluginId, cause: err, operation: 'content_type' });
  }
}
