/**
 * Compiled modules keyed by the sha256 of their bytes, so a plugin loaded twice (reload, a second
 * manager) is compiled once.
 */
import { compileModule } from '../engine/extism-guest.ts';
import { sha256Hex } from '../util/sha256.ts';

/**
 * A content-addressed cache of compiled modules.
 *
 * @example
 * ```ts
 * const cache = new ModuleCache();
 * const { module, sha256 } = await cache.compile(bytes, 'seo');
 * ```
 */
export class ModuleCache {
  readonly #modules = new Map<string, Promise<WebAssembly.Module>>();
  readonly #limit: number;

  /** @param limit how many modules to keep; the oldest is dropped first. */
  constructor(limit = 64) {
    this.#limit = limit;
  }

  /**
   * Compiles bytes, or returns the module compiled earlier from the same bytes.
   *
   * @example
   * ```ts
   * const { module } = await cache.compile(bytes);
   * ```
   */
  async compile(bytes: Uint8Array, pluginId?: string): Promise<{ module: WebAssembly.Module; sha256: string }> {
    const sha256 = await sha256Hex(bytes);
    let pending = this.#modules.get(sha256);
    if (pending === undefined) {
      pending = compileModule(bytes, pluginId);
      this.#modules.set(sha256, pending);
      // A failed compile must not poison the cache.
      pending.catch(() => this.#modules.delete(sha256));
      if (this.#modules.size > this.#limit) {
        const oldest = this.#modules.keys().next().value;
        if (oldest !== undefined) this.#modules.delete(oldest);
      }
    }
    return { module: await pending, sha256 };
  }

  /** How many modules are cached. */
  get size(): number {
    return this.#modules.size;
  }
}
