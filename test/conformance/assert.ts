/**
 * A tiny runner-agnostic assert helper for the conformance suite: no vitest, no node:assert, so
 * the same cases run in Node, Deno, workerd and Chromium. Failures throw `AssertionError` with
 * a message that says what was expected and what came.
 */

/** Thrown by every failed check. */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

/**
 * Fails unless `value` is truthy.
 *
 * @example
 * ```ts
 * ok(manager.plugins().length === 1, 'one plugin loaded');
 * ```
 */
export function ok(value: unknown, message: string): asserts value {
  if (!value) throw new AssertionError(message);
}

/**
 * Fails unless `actual` and `expected` are structurally equal (JSON-like values).
 *
 * @example
 * ```ts
 * equal(await manager.hooks.execute('before_render', page), page, 'echo leaves the page unchanged');
 * ```
 */
export function equal(actual: unknown, expected: unknown, message: string): void {
  if (!deepEqual(actual, expected)) throw new AssertionError(`${message}: expected ${show(expected)}, got ${show(actual)}`);
}

/**
 * Awaits `promise` and fails unless it rejects with an error whose `code` is `code`
 * (and whose other fields match `fields`, when given). Resolves with the error.
 *
 * @example
 * ```ts
 * await rejects(manager.hooks.execute('transform_data', {}, { errorPolicy: 'fail' }), 'E_FUEL', 'spinner runs out of fuel');
 * ```
 */
export async function rejects(promise: Promise<unknown>, code: string, message: string, fields: Record<string, unknown> = {}): Promise<Error & Record<string, unknown>> {
  let value: unknown;
  try {
    value = await promise;
  } catch (err) {
    const error = err as Error & Record<string, unknown>;
    if (error?.code !== code) throw new AssertionError(`${message}: expected a ${code} error, got ${show(error?.code)}: ${error?.message ?? String(err)}`);
    for (const [key, expected] of Object.entries(fields)) equal(error[key], expected, `${message} (${key})`);
    return error;
  }
  throw new AssertionError(`${message}: expected a ${code} error, but it resolved with ${show(value)}`);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
