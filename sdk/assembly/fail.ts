/**
 * Error signalling. The JS Extism host ignores an export's return code, so a plugin reports
 * failure through Extism's `error_set`; the host's call then rejects with this message.
 *
 * @example
 * ```ts
 * if (title.length == 0) { fail("title is required"); return 1; }
 * ```
 */
import { error_set } from "./env";
import { blockFromString } from "./memory";

/**
 * Marks the current call as failed with `message`. Return (1 by convention) right after it;
 * output set in the same call is ignored by the host.
 *
 * @example
 * ```ts
 * fail("body longer than 100000 characters"); return 1;
 * ```
 */
export function fail(message: string): void {
  error_set(blockFromString(message));
}
