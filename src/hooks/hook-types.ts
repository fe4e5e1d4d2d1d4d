/**
 * Types for a typed hook map: declare each hook's kind, data and (for `first`) result once, and
 * `register` / `execute` check handlers and callers against it. Purely compile-time.
 */
import type { CollectOutput, CollectResult, GuardResult, GuardVerdict, HookKind } from './hook-kinds.ts';
import type { BuiltinHookKinds } from './hook-names.ts';

/**
 * One hook in a hook map. `kind` defaults to `filter`; `result` is only read by `first` hooks
 * (what the winning handler returns; defaults to `data`).
 *
 * @example
 * ```ts
 * interface MyHooks {
 *   before_render: { data: Page };                                    // a filter over Page
 *   auth_check: { kind: 'guard'; data: Request };
 *   route_match: { kind: 'first'; data: { path: string }; result: Route };
 *   validate_data: { kind: 'collect'; data: Article };
 *   after_save: { kind: 'action'; data: Article };
 * }
 * const hooks = new HookManager<MyHooks>();
 * ```
 */
export interface HookSpec {
  kind?: HookKind;
  data: unknown;
  result?: unknown;
}

/**
 * The constraint on a hook map `M`: every property is a HookSpec. Written as a mapped type so
 * plain `interface`s (which have no index signature) qualify.
 */
export type HookMapOf<M> = { [K in keyof M]: HookSpec };

/**
 * The predefined hooks with their kinds and `unknown` data: extend it to type the data.
 *
 * @example
 * ```ts
 * interface MyHooks extends BuiltinHooks { before_render: { kind: 'filter'; data: Page } }
 * ```
 */
export type BuiltinHooks = {
  [H in keyof BuiltinHookKinds]: BuiltinHookKinds[H] extends 'first' ? { kind: BuiltinHookKinds[H]; data: unknown; result: unknown } : { kind: BuiltinHookKinds[H]; data: unknown };
};

/**
 * The default map of an untyped HookManager: the predefined hooks keep their kinds (so
 * `execute('auth_check', …)` resolves with a GuardResult), any other name is a filter over `any`.
 */
export type UntypedHooks = { [K in keyof BuiltinHooks]: { kind: BuiltinHooks[K]['kind']; data: any; result?: any } } & {
  [name: string]: { kind?: HookKind; data: any; result?: any };
};

/** The kind of a spec (`filter` when not declared). */
export type KindOf<S> = S extends { kind: infer K extends HookKind } ? K : 'filter';

/** The data a hook's handlers receive. */
export type DataOf<S> = S extends { data: infer D } ? D : unknown;

/** What a `first` hook's winning handler returns. */
export type FirstResultOf<S> = S extends { result: infer R } ? R : DataOf<S>;

type MaybePromise<T> = T | Promise<T>;

/** What a handler of this hook may return, by kind. */
export type HandlerReturn<S> =
  KindOf<S> extends 'filter'
    ? MaybePromise<DataOf<S> | undefined | void>
    : KindOf<S> extends 'guard'
      ? MaybePromise<GuardVerdict>
      : KindOf<S> extends 'first'
        ? MaybePromise<FirstResultOf<S> | null | undefined | void>
        : KindOf<S> extends 'collect'
          ? MaybePromise<CollectOutput>
          : MaybePromise<unknown>;

/**
 * What `execute` resolves with, by kind: the final data (filter), a GuardResult, the winner or
 * null (first), a CollectResult, or nothing (action).
 */
export type ExecuteResult<S> =
  KindOf<S> extends 'filter' ? DataOf<S> : KindOf<S> extends 'guard' ? GuardResult : KindOf<S> extends 'first' ? FirstResultOf<S> | null : KindOf<S> extends 'collect' ? CollectResult : void;
