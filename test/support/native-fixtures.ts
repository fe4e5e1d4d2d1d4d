/**
 * The C, Go and Rust plugin fixtures (built by test/global-setup.ts with clang, Go and cargo): whether one
 * can be used here, and if not, the line saying which tool is missing, so the tests that need
 * it skip loudly rather than silently.
 *
 * @example
 * ```ts
 * const skip = nativeSkipReason('c-plugin');
 * describe.skipIf(skip !== undefined)('C plugin', () => { … });
 * ```
 */
import { existsSync } from 'node:fs';
import { findCargo, findClang, findGo } from '../../scripts/lib/native-toolchains.ts';
import { fixturePath } from './fixtures.ts';

/**
 * Why the native fixture `name` (`c-…`, `go-…` or `rust-…`) cannot be used, or undefined when it can.
 * Prints the reason once, as a warning.
 *
 * @example
 * ```ts
 * nativeSkipReason('go-plugin'); // undefined, or 'go not found (…)'
 * ```
 */
export function nativeSkipReason(name: string): string | undefined {
  const tool = name.startsWith('go-') ? findGo() : name.startsWith('rust-') ? findCargo() : findClang();
  const reason = !tool.found ? tool.missing : existsSync(fixturePath(name)) ? undefined : `${fixturePath(name)} was not built`;
  if (reason !== undefined) console.warn(`skipping the tests of ${name}: ${reason}`);
  return reason;
}
