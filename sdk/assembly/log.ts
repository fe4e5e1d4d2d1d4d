/**
 * Logging through Extism's log_* kernel functions. The host decides which levels are kept
 * (Extism's default is silent), so these calls are cheap to leave in.
 *
 * @example
 * ```ts
 * Log.info("indexed " + n.toString() + " pages");
 * ```
 */
import { log_debug, log_error, log_info, log_warn } from "./env";
import { blockFromString } from "./memory";

export namespace Log {
  /** @example `Log.debug("input: " + Input.string());` */
  export function debug(message: string): void {
    log_debug(blockFromString(message));
  }
  /** @example `Log.info("ready");` */
  export function info(message: string): void {
    log_info(blockFromString(message));
  }
  /** @example `Log.warn("no title, using slug");` */
  export function warn(message: string): void {
    log_warn(blockFromString(message));
  }
  /** @example `Log.error("cannot parse config");` */
  export function error(message: string): void {
    log_error(blockFromString(message));
  }
}
