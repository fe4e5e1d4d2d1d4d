/**
 * The one error type the rewriter throws. Every failure to read or rewrite a module, and every
 * bad option, surfaces as an `InstrumentError` with the stable code `E_INSTRUMENT`, so a host can
 * tell "this plugin cannot be sandboxed" apart from its own bugs.
 */

/**
 * Thrown when a module cannot be read or rewritten (truncated section, unknown opcode,
 * unsupported proposal, memory minimum above the cap, bad option). `offset` is the byte offset
 * in the input module where reading failed, when there is one.
 *
 * @example
 * ```ts
 * try {
 *   instrument(bytes);
 * } catch (error) {
 *   if (error instanceof InstrumentError) console.log(error.code, error.offset, error.message);
 * }
 * ```
 */
export class InstrumentError extends Error {
  readonly code = 'E_INSTRUMENT';
  /** Byte offset in the input module where the problem was found, if known. */
  readonly offset: number | undefined;
  /** Set to a `LimitReason` value when the module is rejected because it breaks a limit (e.g. MEMORY). */
  readonly reason: number | undefined;

  constructor(message: string, options?: { cause?: unknown; offset?: number; reason?: number }) {
    const where = options?.offset === undefined ? '' : ` (at byte ${options.offset})`;
    super(`${message}${where}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'InstrumentError';
    this.offset = options?.offset;
    this.reason = options?.reason;
  }
}
