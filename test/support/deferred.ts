/**
 * Promise helpers for tests that control when async work settles.
 *
 * @example
 * ```ts
 * const gate = deferred<number>();
 * queue.run(() => gate.promise);
 * await flush(10);
 * gate.resolve(1);
 * ```
 */

/** A promise with its resolve and reject functions exposed. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

/**
 * A promise settled from outside.
 *
 * @example
 * ```ts
 * const d = deferred();
 * setTimeout(() => d.resolve(), 10);
 * await d.promise;
 * ```
 */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Lets pending microtasks (and the promise chains they start) run, `ticks` hops deep.
 *
 * @example
 * ```ts
 * await flush(20);
 * ```
 */
export async function flush(ticks: number): Promise<void> {
  for (let i = 0; i < ticks; i++) await Promise.resolve();
}
