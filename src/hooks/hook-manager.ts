/**
 * Hook definition, registration and dispatch. Each hook has a kind (filter, guard, first,
 * collect, action) and an error policy; handlers run in an order fixed at registration time
 * (before/after constraints, then priority, then registration order).
 */
import { ErrorCodes, PluginError, describeError } from '../errors.ts';
import { CallControl, NEVER_ABORTED } from './call-control.ts';
import { BUILTIN_DEFINITIONS, checkPolicy, normalizeDefinition, sameDefinition, type DefineOptions, type ErrorPolicy, type HookDefinition, type StoredDefinition } from './hook-definitions.ts';
import type { HookKind } from './hook-kinds.ts';
import { runAction, runCollect, runFilter, runFirst, runGuard, unwrapStop, type HookContext, type Registration, type RunEnv } from './hook-runners.ts';
import type { DataOf, ExecuteResult, HandlerReturn, HookMapOf, KindOf, UntypedHooks } from './hook-types.ts';
import { orderHandlers } from './ordering.ts';

export type { HookContext } from './hook-runners.ts';
export type { ErrorPolicy, HookDefinition, DefineOptions, StoredDefinition } from './hook-definitions.ts';

/**
 * An untyped filter handler: returns the new data, or `undefined` to leave it unchanged.
 *
 * @example
 * ```ts
 * const handler: HookHandler<Page> = (page) => ({ ...page, title: page.title.trim() });
 * ```
 */
export type HookHandler<T = any> = (data: T, context: HookContext) => T | undefined | void | Promise<T | undefined | void>;

/**
 * The handler type for one entry of a hook map: its data in, its kind's output out.
 *
 * @example
 * ```ts
 * const deny: HandlerFor<{ kind: 'guard'; data: Req }> = () => ({ allow: false, reason: 'closed' });
 * ```
 */
export type HandlerFor<S> = (data: DataOf<S>, context: HookContext) => HandlerReturn<S>;

/**
 * Options when registering a handler.
 *
 * @example
 * ```ts
 * hooks.register('after_render', minify, { priority: 200, pluginId: 'minify', after: 'seo' });
 * ```
 */
export interface RegisterOptions {
  /** Lower runs first. Default 100. */
  priority?: number;
  /** The plugin this handler belongs to (set by the manager for plugin handlers). */
  pluginId?: string;
  /** Run before every handler of these plugins on this hook (hard constraint). */
  before?: string | readonly string[];
  /** Run after every handler of these plugins on this hook (hard constraint). */
  after?: string | readonly string[];
}

/**
 * Options for one `execute` call.
 *
 * @example
 * ```ts
 * await hooks.execute('after_render', page, { timeoutMs: 200, signal: request.signal });
 * ```
 */
export interface ExecuteOptions {
  /** Overrides the hook's error policy for this call (`skip` on a guard means `deny`). */
  errorPolicy?: ErrorPolicy;
  /** A budget for the whole hook; past it the call rejects with E_TIMEOUT. */
  timeoutMs?: number;
  /** Aborting it rejects the call with E_ABORTED (cause: the signal's reason). */
  signal?: AbortSignal;
}

/**
 * A registered handler, as `describe` lists it.
 *
 * @example
 * ```ts
 * const info: HandlerInfo = { hook: 'after_render', pluginId: 'seo', priority: 10, order: 3, kind: 'filter', before: [], after: [] };
 * ```
 */
export interface HandlerInfo {
  hook: string;
  pluginId: string | undefined;
  priority: number;
  /** Registration sequence number: the last tie-breaker. */
  order: number;
  kind: HookKind;
  before: string[];
  after: string[];
}

/**
 * Options for a HookManager (the PluginManager wires these).
 *
 * @example
 * ```ts
 * const hooks = new HookManager({ strictHooks: true, onHandlerError: (err, hook) => console.warn(hook, err.code) });
 * ```
 */
export interface HookManagerOptions {
  /** Called when a handler fails under `skip` (or `deny`, for guards). */
  onHandlerError?: (error: PluginError, hook: string) => void;
  /** Whether a plugin's handlers may run now (false while quarantined or unloading). */
  isPluginEnabled?: (pluginId: string) => boolean;
  /** Whether a disabled plugin was disabled for failing (quarantined): its guards deny. */
  isPluginFailed?: (pluginId: string) => boolean;
  /** Throws when the manager is closed. */
  assertOpen?: () => void;
  /**
   * When true, `register` and `execute` of a hook nobody defined throw E_UNKNOWN_HOOK.
   * Default false: registering defines the name as a `filter` (an "implicit" definition that a
   * later `define` may replace), and executing a name nobody registered returns the data.
   */
  strictHooks?: boolean;
}

/**
 * The default priority, between WordPress's 10 and "late" hooks; EmDash uses 100 as well.
 *
 * @example
 * ```ts
 * manager.hooks.register('after_render', addFooter, { priority: DEFAULT_PRIORITY + 10 }); // after the default
 * ```
 */
export const DEFAULT_PRIORITY = 100;

const IMPLICIT: StoredDefinition = { kind: 'filter', errorPolicy: 'skip', origin: 'implicit' };
const NO_HANDLERS: readonly Registration[] = [];

/**
 * Defines, registers and runs hook handlers. Pass a hook map to type names, data and results.
 *
 * @example
 * ```ts
 * const hooks = new HookManager();
 * const off = hooks.register('before_render', (page) => ({ ...page, seen: true }), { priority: 10 });
 * const page = await hooks.execute('before_render', { title: 'Hi' });
 * const verdict = await hooks.execute('auth_check', request); // { allowed: true } | { allowed: false, reason, pluginId }
 * off();
 * ```
 */
export class HookManager<M extends HookMapOf<M> = UntypedHooks> {
  readonly #handlers = new Map<string, readonly Registration[]>();
  readonly #definitions = new Map<string, StoredDefinition>();
  readonly #options: HookManagerOptions;
  readonly #report: (error: PluginError, hook: string) => void;
  /** The environment of calls without options, per hook (see execute). */
  readonly #plainEnvs = new Map<string, RunEnv>();
  #sequence = 0;

  constructor(options: HookManagerOptions = {}) {
    // Read once, like every other option: a call environment is reused across calls (see
    // execute), so the plugin-state callbacks must not change behind it.
    this.#options = { ...options };
    for (const [name, definition] of Object.entries(BUILTIN_DEFINITIONS)) this.#definitions.set(name, { ...definition, origin: 'builtin' });
    const sink = options.onHandlerError;
    this.#report = (error, hook) => {
      try {
        sink?.(error, hook);
      } catch {
        // A broken error sink must not turn a skipped handler into a failed hook.
      }
    };
  }

  /**
   * Defines a hook's kind and error policy. Defining it again identically is a no-op (two
   * plugins may share a hook); defining it differently, or redefining a predefined hook
   * differently, throws E_HOOK_DEFINITION. An implicit definition (made by `register`) may be
   * replaced.
   *
   * @example
   * ```ts
   * hooks.define('seo_lint', { kind: 'collect', description: 'SEO findings for a page' });
   * hooks.define('publish_check', { kind: 'guard' }); // errorPolicy defaults to 'deny'
   * ```
   */
  define<K extends keyof M & string>(name: K, options: DefineOptions & { kind: DefineKind<M, K> }): HookDefinition {
    this.#options.assertOpen?.();
    const next = normalizeDefinition(name, options);
    const current = this.#definitions.get(name);
    if (current !== undefined && current.origin !== 'implicit') {
      if (!sameDefinition(current, next)) {
        const what = current.origin === 'builtin' ? 'is predefined' : 'is already defined';
        throw new PluginError(
          ErrorCodes.HOOK_DEFINITION,
          `hook "${name}" ${what} as ${current.kind} (errorPolicy ${current.errorPolicy}); cannot redefine it as ${next.kind} (errorPolicy ${next.errorPolicy})`,
          { operation: `hook:${name}` },
        );
      }
      return publicDefinition(current);
    }
    this.#definitions.set(name, { ...next, origin: 'defined' });
    // Its calls' environment follows the new kind and policy.
    this.#plainEnvs.delete(name);
    return { ...next };
  }

  /**
   * The definition of a hook (with its origin), or undefined if it has none.
   *
   * @example
   * ```ts
   * hooks.definition('auth_check'); // { kind: 'guard', errorPolicy: 'deny', origin: 'builtin', description: '…' }
   * ```
   */
  definition(name: string): StoredDefinition | undefined {
    const current = this.#definitions.get(name);
    return current === undefined ? undefined : { ...current };
  }

  /**
   * Registers a handler; returns the function that unregisters it. Throws E_ORDER (and
   * registers nothing) when its before/after constraints cannot hold with the others.
   *
   * @example
   * ```ts
   * const off = hooks.register('after_render', async (page) => minify(page), { priority: 200, after: 'seo' });
   * ```
   */
  register<K extends keyof M & string>(hook: K, handler: HandlerFor<M[K]>, options: RegisterOptions = {}): () => void {
    this.#options.assertOpen?.();
    const pluginId = options.pluginId;
    if (pluginId !== undefined && (typeof pluginId !== 'string' || pluginId === ''))
      throw new PluginError(ErrorCodes.INVALID_ARGUMENT, `pluginId for hook "${String(hook)}" must be a non-empty string`);
    const invalid = (message: string) => new PluginError(ErrorCodes.INVALID_ARGUMENT, message, { pluginId, operation: 'register' });
    if (typeof hook !== 'string' || hook === '') throw invalid('a hook name must be a non-empty string');
    if (typeof handler !== 'function') throw invalid(`handler for hook "${hook}" must be a function`);
    const priority = options.priority ?? DEFAULT_PRIORITY;
    if (typeof priority !== 'number' || !Number.isFinite(priority)) throw invalid(`priority for hook "${hook}" must be a finite number`);
    const registration: Registration = {
      hook,
      handler: handler as Registration['handler'],
      priority,
      pluginId,
      order: this.#sequence,
      before: pluginIds(hook, 'before', options.before),
      after: pluginIds(hook, 'after', options.after),
    };
    const defined = this.#definitions.get(hook);
    if (defined === undefined && this.#options.strictHooks === true) throw unknownHook(hook);
    // Ordering may throw E_ORDER: compute it before changing any state.
    const ordered = orderHandlers(hook, [...(this.#handlers.get(hook) ?? NO_HANDLERS), registration]);
    this.#sequence++;
    if (defined === undefined) this.#definitions.set(hook, IMPLICIT);
    this.#handlers.set(hook, ordered);
    let registered = true;
    return () => {
      if (!registered) return;
      registered = false;
      this.#remove(hook, (r) => r === registration);
    };
  }

  /**
   * Runs a hook's handlers as its kind says and resolves with its result: the final data
   * (filter), a GuardResult (guard), the winner or null (first), a CollectResult (collect), or
   * undefined (action).
   *
   * @example
   * ```ts
   * const html = await hooks.execute('after_render', page, { timeoutMs: 100 });
   * const { valid, errors } = await hooks.execute('validate_data', doc);
   * ```
   */
  execute<K extends keyof M & string>(hook: K, data: DataOf<M[K]>, options: ExecuteOptions = {}): Promise<ExecuteResult<M[K]>> {
    try {
      this.#options.assertOpen?.();
      const stored = this.#definitions.get(hook);
      const definition = stored ?? this.#undefined(hook);
      const list = this.#handlers.get(hook) ?? NO_HANDLERS;
      if (stored !== undefined && options.timeoutMs === undefined && options.signal === undefined && options.errorPolicy === undefined) {
        // The common call: a defined hook, no limits, its own policy. Its environment is the
        // same every time, so it is built once per hook (an entry goes when its definition is
        // replaced or removed, so names nobody defined never fill this map).
        let env = this.#plainEnvs.get(hook);
        if (env === undefined) {
          env = this.#env(hook, definition.kind, definition.errorPolicy, undefined);
          this.#plainEnvs.set(hook, env);
        }
        return Promise.resolve(run(list, data, env)) as Promise<ExecuteResult<M[K]>>;
      }
      const control = options.timeoutMs === undefined && options.signal === undefined ? undefined : CallControl.create(hook, options);
      const policy = options.errorPolicy === undefined ? definition.errorPolicy : resolvePolicy(hook, definition, options.errorPolicy);
      const env = this.#env(hook, definition.kind, policy, control);
      if (control === undefined) return Promise.resolve(run(list, data, env)) as Promise<ExecuteResult<M[K]>>;
      return runControlled(list, data, env, control) as Promise<ExecuteResult<M[K]>>;
    } catch (err) {
      return Promise.reject(unwrapStop(err));
    }
  }

  #env(hook: string, kind: HookKind, policy: ErrorPolicy, control: CallControl | undefined): RunEnv {
    return {
      hook,
      kind,
      policy,
      control,
      signal: control?.signal ?? NEVER_ABORTED,
      enabled: this.#options.isPluginEnabled,
      failedClosed: this.#options.isPluginFailed,
      // Bound once in the constructor: no closure per call on the hot path.
      report: this.#report,
    };
  }

  /**
   * Lists a hook's handlers in the order they will run, with their constraints.
   *
   * @example
   * ```ts
   * hooks.describe('after_render'); // [{ hook, pluginId: 'seo', priority: 10, order: 3, kind: 'filter', before: [], after: [] }, …]
   * ```
   */
  describe(hook: string): HandlerInfo[] {
    const kind = this.#definitions.get(hook)?.kind ?? 'filter';
    return (this.#handlers.get(hook) ?? NO_HANDLERS).map((r) => ({
      hook: r.hook,
      pluginId: r.pluginId,
      priority: r.priority,
      order: r.order,
      kind,
      before: [...r.before],
      after: [...r.after],
    }));
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
    for (const hook of [...this.#handlers.keys()]) this.#remove(hook, (r) => r.pluginId === pluginId);
  }

  /**
   * The same manager, typed with a hook map (compile-time only; no copy is made). Useful for
   * `manager.hooks`, which is untyped.
   *
   * @example
   * ```ts
   * const hooks = manager.hooks.typed<MyHooks>();
   * const page = await hooks.execute('before_render', page); // Page
   * ```
   */
  typed<T extends HookMapOf<T>>(): HookManager<T> {
    return this as unknown as HookManager<T>;
  }

  /** Copy-on-write removal, so a call already running keeps the list it started with. */
  #remove(hook: string, doomed: (r: Registration) => boolean): void {
    const current = this.#handlers.get(hook);
    if (current === undefined || !current.some(doomed)) return;
    const rest = current.filter((r) => !doomed(r));
    if (rest.length === 0) {
      this.#handlers.delete(hook);
      if (this.#definitions.get(hook)?.origin === 'implicit') {
        this.#definitions.delete(hook);
        this.#plainEnvs.delete(hook);
      }
      return;
    }
    // Removing handlers cannot create a cycle, but it can free a constrained handler to move
    // earlier by priority, so the order is recomputed rather than filtered.
    this.#handlers.set(hook, orderHandlers(hook, rest));
  }

  #undefined(hook: string): StoredDefinition {
    if (this.#options.strictHooks === true) throw unknownHook(hook);
    return IMPLICIT;
  }
}

/** In a typed map, `define` must agree with the declared kind; untyped names take any kind. */
type DefineKind<M, K extends keyof M> = M[K] extends { kind: infer D extends HookKind } ? D : string extends keyof M ? HookKind : KindOf<M[K]>;

function run(list: readonly Registration[], data: unknown, env: RunEnv): unknown {
  switch (env.kind) {
    case 'filter':
      return runFilter(list, data, env);
    case 'guard':
      return runGuard(list, data, env);
    case 'first':
      return runFirst(list, data, env);
    case 'collect':
      return runCollect(list, data, env);
    case 'action':
      return runAction(list, data, env);
  }
}

async function runControlled(list: readonly Registration[], data: unknown, env: RunEnv, control: CallControl): Promise<unknown> {
  try {
    const stopped = control.stoppedBy;
    if (stopped !== undefined) throw control.errorFor(stopped, undefined);
    return await run(list, data, env);
  } catch (err) {
    throw unwrapStop(err);
  } finally {
    control.dispose();
  }
}

function resolvePolicy(hook: string, definition: HookDefinition, requested: ErrorPolicy | undefined): ErrorPolicy {
  if (requested === undefined) return definition.errorPolicy;
  // A guard never fails open: a caller's generic `skip` means "do not throw", which for a guard is a deny.
  if (definition.kind === 'guard' && requested === 'skip') return 'deny';
  try {
    checkPolicy(hook, definition.kind, requested);
  } catch (err) {
    throw new PluginError(ErrorCodes.INVALID_ARGUMENT, `errorPolicy "${String(requested)}" does not apply here: ${describeError(err)}`, { cause: err });
  }
  return requested;
}

function pluginIds(hook: string, field: 'before' | 'after', value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return NO_IDS;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((id) => typeof id === 'string' && id !== '')) {
    throw new PluginError(ErrorCodes.INVALID_ARGUMENT, `"${field}" for hook "${hook}" must be a plugin id or an array of plugin ids`);
  }
  return Object.freeze([...new Set(list)]);
}

const NO_IDS: readonly string[] = Object.freeze([]);

function unknownHook(hook: string): PluginError {
  return new PluginError(ErrorCodes.UNKNOWN_HOOK, `unknown hook "${hook}": define it first with hooks.define("${hook}", { kind })`, { operation: `hook:${hook}` });
}

function publicDefinition(stored: StoredDefinition): HookDefinition {
  const { origin: _origin, ...definition } = stored;
  return definition;
}
