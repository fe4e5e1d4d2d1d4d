/**
 * Hook registration and dispatch. Handlers run in priority order (lower first; ties keep
 * registration order, as WordPress does), each receiving the previous handler's result.
 */
import { ErrorCodes, GuestError, PluginError, describeError } from '../errors.ts';

/** What a handler learns about the call it is part of. */
export interface HookContext {
  /** The hook being executed. */
  hook: string;
  /** The plugin that registered the handler (undefined for the host's own handlers). */
  pluginId: string | undefined;
}

/**
 * A hook handler: returns the new data, or `undefined` to leave it unchanged.
 *
 * @example
 * ```ts
 * const handler: HookHandler = (page) => ({ ...page, title: page.title.trim() });
 * ```
 */
export type HookHandler<T = any> = (data: T, context: HookContext) => T | undefined | void | Promise<T | undefined | void>;

/** Options when registering a handler. */
export interface RegisterOptions {
  /** Lower runs first. Default 100. */
  priority?: number;
  /** The plugin this handler belongs to (set by the manager for plugin handlers). */
  pluginId?: string;
}

/** What happens when a handler fails: `skip` it (data unchanged, error reported) or `fail` the call. */
export type ErrorPolicy = 'skip' | 'fail';

/** Options for one `execute` call. */
export interface ExecuteOptions {
  /** Overrides the hook's error policy for this call. */
  errorPolicy?: ErrorPolicy;
}

/** A registered handler, as `describe` lists it. */
export interface HandlerInfo {
  hook: string;
  pluginId: string | undefined;
  priority: number;
  /** Registration sequence number: the tie-breaker. */
  order: number;
}

interface Registration extends HandlerInfo {
  handler: HookHandler;
}

/** Options for a HookManager (the PluginManager wires these). */
export interface HookManagerOptions {
  /** Called when a handler fails and is skipped. */
  onHandlerError?: (error: PluginError, hook: string) => void;
  /** Whether a plugin's handlers may run now (false while quarantined or unloading). */
  isPluginEnabled?: (pluginId: string) => boolean;
  /** Throws when the manager is closed. */
  assertOpen?: () => void;
}

/** The default priority, between WordPress's 10 and "late" hooks; EmDash uses 100 as well. */
export const DEFAULT_PRIORITY = 100;

/**
 * Registers and runs hook handlers.
 *
 * @example
 * ```ts
 * const hooks = new HookManager();
 * const off = hooks.register('before_render', (page) => ({ ...page, seen: true }), { priority: 10 });
 * const page = await hooks.execute('before_render', { title: 'Hi' });
 * off();
 * ```
 */
export class HookManager {
  readonly #handlers = new Map<string, Registration[]>();
  readonly #options: HookManagerOptions;
  #sequence = 0;

  constructor(options: HookManagerOptions = {}) {
    this.#options = options;
  }

  /**
   * Registers a handler; returns the function that unregisters it.
   *
   * @example
   * ```ts
   * const off = hooks.register('after_render', async (page) => minify(page), { priority: 200 });
   * ```
   */
  register<T = any>(hook: string, handler: HookHandler<T>, options: RegisterOptions = {}): () => void {
    this.#options.assertOpen?.();
    if (typeof hook !== 'string' || hook === '') throw new TypeError('a hook name must be a non-empty string');
    if (typeof handler !== 'function') throw new TypeError(`handler for hook "${hook}" must be a function`);
    const priority = options.priority ?? DEFAULT_PRIORITY;
    if (!Number.isFinite(priority)) throw new TypeError(`priority for hook "${hook}" must be a finite number`);
    const registration: Registration = {
      hook,
      handler: handler as HookHandler,
      priority,
      pluginId: options.pluginId,
      order: this.#sequence++,
    };
    const list = [...(this.#handlers.get(hook) ?? []), registration];
    // Stable sort on (priority, order): equal priorities keep registration order.
    list.sort((a, b) => a.priority - b.priority || a.order - b.order);
    this.#handlers.set(hook, list);
    let registered = true;
    return () => {
      if (!registered) return;
      registered = false;
      // Copy-on-write, so a chain already running keeps the list it started with.
      const current = this.#handlers.get(hook) ?? [];
      const next = current.filter((r) => r !== registration);
      if (next.length === 0) this.#handlers.delete(hook);
      else this.#handlers.set(hook, next);
    };
  }

  /**
   * Runs every handler of a hook in order, threading the data through them, and resolves with
   * the final data. A failing handler is skipped (data unchanged) and reported, unless the
   * error policy is `fail`.
   *
   * @example
   * ```ts
   * const html = await hooks.execute('after_render', page);
   * ```
   */
  async execute<T = any>(hook: string, data: T, options: ExecuteOptions = {}): Promise<T> {
    this.#options.assertOpen?.();
    const list = this.#handlers.get(hook);
    if (list === undefined) return data;
    const policy = options.errorPolicy ?? 'skip';
    const enabled = this.#options.isPluginEnabled;
    let current = data;
    for (const registration of list) {
      const { pluginId } = registration;
      if (pluginId !== undefined && enabled !== undefined && !enabled(pluginId)) continue;
      try {
        const result = await registration.handler(current, { hook, pluginId });
        if (result !== undefined) current = result as T;
      } catch (err) {
        const error = toHookError(err, hook, pluginId);
        if (policy === 'fail') throw error;
        this.#options.onHandlerError?.(error, hook);
      }
    }
    return current;
  }

  /**
   * Lists a hook's handlers in the order they will run.
   *
   * @example
   * ```ts
   * hooks.describe('after_render'); // [{ hook, pluginId: 'seo', priority: 10, order: 3 }, …]
   * ```
   */
  describe(hook: string): HandlerInfo[] {
    return (this.#handlers.get(hook) ?? []).map(({ hook: h, pluginId, priority, order }) => ({ hook: h, pluginId, priority, order }));
  }

  /**
   * The names of every hook with at least one handler.
   *
   * @example
   * ```ts
   * hooks.names(); // ['after_render', 'before_render']
   * ```
   */
  names(): string[] {
    return [...this.#handlers.keys()].sort();
  }

  /**
   * Does the hook have any handler?
   *
   * @example
   * ```ts
   * if (hooks.has('route_match')) …
   * ```
   */
  has(hook: string): boolean {
    return this.#handlers.has(hook);
  }

  /**
   * Removes every handler a plugin registered (used on unload).
   *
   * @example
   * ```ts
   * hooks.removePlugin('seo');
   * ```
   */
  removePlugin(pluginId: string): void {
    for (const [hook, list] of this.#handlers) {
      const next = list.filter((r) => r.pluginId !== pluginId);
      if (next.length === 0) this.#handlers.delete(hook);
      else if (next.length !== list.length) this.#handlers.set(hook, next);
    }
  }
}

function toHookError(err: unknown, hook: string, pluginId: string | undefined): PluginError {
  if (err instanceof PluginError) return err;
  return new GuestError(ErrorCodes.GUEST, `handler for hook "${hook}" failed: ${describeError(err)}`, {
    pluginId,
    cause: err,
    operation: `hook:${hook}`,
  });
}
