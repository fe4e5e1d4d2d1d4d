/**
 * AssemblyScript abort handler for plugins: build with `--use abort=<path>/sdk/assembly/abort/reedAbort`
 * (scripts/lib/build-assemblyscript.ts does this). Without it, asc imports `env.abort`, which
 * an Extism host does not provide.
 *
 * An abort (failed assertion, `throw`, out-of-bounds access, null dereference) always ends in a
 * trap, so the message is sent twice: as an error-level log line `abort: <message> at
 * <file>:<line>:<column>` (the JS host rethrows the trap and drops error_set's text) and through
 * error_set (for hosts that read it after a trap).
 *
 * @example
 * ```ts
 * // A plugin that does `throw new Error("bad state")` makes the host log:
 * //   abort: bad state at examples/plugins/x/assembly/index.ts:12:3
 * ```
 */
import { error_set, log_error } from "./env";
import { blockFromString } from "./memory";

/**
 * Reports an abort and traps. Allocation-light on purpose: it may run with a broken heap.
 *
 * @example
 * ```sh
 * asc plugin.ts --use abort=sdk/assembly/abort/reedAbort
 * ```
 */
export function reedAbort(message: string | null, fileName: string | null, lineNumber: u32, columnNumber: u32): void {
  const text =
    "abort: " +
    (message === null ? "(no message)" : message) +
    " at " +
    (fileName === null ? "(unknown file)" : fileName) +
    ":" +
    lineNumber.toString() +
    ":" +
    columnNumber.toString();
  log_error(blockFromString(text));
  error_set(blockFromString(text));
  unreachable();
}
