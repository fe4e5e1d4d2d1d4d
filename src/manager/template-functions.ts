/**
 * The functions plugins contribute to the host's templates (`{ TemplateFunction = "slug" }`),
 * callable as `manager.templates.call('slug', ['Hello World'])`. Each name has one provider.
 */
import { ErrorCodes, PluginError } from '../errors.ts';
import type { TemplateFunctionImpl } from '../plugin/types.ts';

/**
 * A registered template function.
 *
 * @example
 * ```ts
 * manager.templates.list().map((t: TemplateFunctionInfo) => `${t.name} (${t.pluginId})`);
 * ```
 */
export interface TemplateFunctionInfo {
  name: string;
  pluginId: string;
}

/**
 * Template functions by name.
 *
 * @example
 * ```ts
 * const slug = await manager.templates.call('slug', ['Hello World']); // 'hello-world'
 * ```
 */
export class TemplateRegistry {
  readonly #functions = new Map<string, TemplateFunctionInfo & { impl: TemplateFunctionImpl }>();

  /**
   * Calls a template function with its arguments (any JSON value).
   *
   * @throws PluginError `E_NOT_FOUND` for an unknown name; the function's own error otherwise.
   *
   * @example
   * ```ts
   * await manager.templates.call('excerpt', { text, words: 30 });
   * ```
   */
  async call(name: string, args: unknown = null): Promise<unknown> {
    const entry = this.#functions.get(name);
    if (entry === undefined) throw new PluginError(ErrorCodes.NOT_FOUND, `no template function "${name}" is registered`, { operation: `template:${name}` });
    return entry.impl(args);
  }

  /**
   * Is the name registered?
   *
   * @example
   * ```ts
   * if (manager.templates.has('slug')) …
   * ```
   */
  has(name: string): boolean {
    return this.#functions.has(name);
  }

  /**
   * Every registered function, sorted by name.
   *
   * @example
   * ```ts
   * manager.templates.list(); // [{ name: 'slug', pluginId: 'text-tools' }]
   * ```
   */
  list(): TemplateFunctionInfo[] {
    return [...this.#functions.values()].map(({ name, pluginId }) => ({ name, pluginId })).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /**
   * Registers a function for a plugin; returns the unregister function.
   *
   * @throws PluginError `E_CAPABILITY` when another plugin already provides the name.
   *
   * @example
   * ```ts
   * const off = registry.register('text-tools', 'slug', (args) => slugify(String(args)));
   * ```
   */
  register(pluginId: string, name: string, impl: TemplateFunctionImpl): () => void {
    this.checkPlugin(pluginId, [name]);
    const entry = { name, pluginId, impl };
    this.#functions.set(name, entry);
    return () => {
      if (this.#functions.get(name) === entry) this.#functions.delete(name);
    };
  }

  /**
   * Throws when another plugin provides one of the names (checked before a plugin loads).
   *
   * @example
   * ```ts
   * registry.checkPlugin('text-tools', ['slug']);
   * ```
   */
  checkPlugin(pluginId: string, names: readonly string[]): void {
    for (const name of names) {
      const owner = this.#functions.get(name)?.pluginId;
      if (owner !== undefined && owner !== pluginId) {
        throw new PluginError(ErrorCodes.CAPABILITY, `template function "${name}" is already provided by plugin "${owner}"`, { pluginId, operation: 'templates.register' });
      }
    }
  }
}
