/**
 * Per-call limits for one `execute`: a timeout for the whole hook and the caller's AbortSignal,
 * merged into one signal that handlers receive. Created only when the caller asks for either,
 * so an ordinary call pays nothing.
 */
import { ErrorCodes, PluginError, describeError } from '../errors.ts';

/** A signal that never aborts, for handlers of calls without limits (one shared instance). */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/**
 * Why a call stopped early; `stop` rejects with this, and the runner turns it into the error
 * the caller sees (naming the handler it was waiting for).
 */
export class CallStopped {
  constructor(
    readonly kind: 'timeout' | 'abort',
    readonly reason: unknown,
  ) {}
}

/** The limits of one call. */
export class CallControl {
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  readonly #hook: string;
  readonly #timeoutMs: number | undefined;
  readonly #outer: AbortSignal | undefined;
  readonly #onOuterAbort = () => this.#stop(new CallStopped('abort', this.#outer?.reason));
  #timer: ReturnType<typeof setTimeout> | undefined;
  #why: CallStopped | undefined;
  #stopped: Promise<never> | undefined;
  #rejectStopped: ((why: CallStopped) => void) | undefined;

  private constructor(hook: string, timeoutMs: number | undefined, outer: AbortSignal | undefined) {
    this.#hook = hook;
    this.#timeoutMs = timeoutMs;
    this.#outer = outer;
    this.signal = this.#controller.signal;
    if (outer !== undefined) {
      if (outer.aborted) this.#onOuterAbort();
      else outer.addEventListener('abort', this.#onOuterAbort, { once: true });
    }
    if (timeoutMs !== undefined && !this.signal.aborted) {
      this.#timer = setTimeout(() => this.#stop(new CallStopped('timeout', undefined)), timeoutMs);
    }
  }

  /** A control for the options, or undefined when there is nothing to control. */
  static create(hook: string, options: { timeoutMs?: number | undefined; signal?: AbortSignal | undefined }): CallControl | undefined {
    const { timeoutMs, signal } = options;
    if (timeoutMs === undefined && signal === undefined) return undefined;
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs >= 0 && timeoutMs <= 2_147_483_647)) {
      throw new PluginError(ErrorCodes.INVALID_ARGUMENT, `hook "${hook}": timeoutMs must be a number between 0 and 2^31-1`);
    }
    return new CallControl(hook, timeoutMs, signal);
  }

  /** Why the call stopped, once it has. */
  get stoppedBy(): CallStopped | undefined {
    return this.#why;
  }

  /** Waits for `promise`, or rejects with CallStopped as soon as the call is stopped. */
  race<T>(promise: PromiseLike<T>): Promise<T> {
    if (this.#stopped === undefined) {
      this.#stopped = new Promise<never>((_, reject) => (this.#rejectStopped = reject));
      this.#stopped.catch(() => {}); // observed by race(); never an unhandled rejection
      const already = this.stoppedBy;
      if (already !== undefined) this.#rejectStopped?.(already);
    }
    return Promise.race([promise, this.#stopped]);
  }

  /** The typed error for a stop: E_TIMEOUT or E_ABORTED, naming the handler it was waiting for. */
  errorFor(stopped: CallStopped, pluginId: string | undefined): PluginError {
    const waiting = pluginId === undefined ? '' : ` (waiting for plugin "${pluginId}")`;
    const options = { pluginId, operation: `hook:${this.#hook}`, cause: stopped.reason };
    return stopped.kind === 'timeout'
      ? new PluginError(ErrorCodes.TIMEOUT, `hook "${this.#hook}" did not finish within ${this.#timeoutMs} ms${waiting}`, options)
      : new PluginError(ErrorCodes.ABORTED, `hook "${this.#hook}" was aborted${waiting}: ${describeError(stopped.reason)}`, options);
  }

  /** Releases the timer and the listener on the caller's signal. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#outer?.removeEventListener('abort', this.#onOuterAbort);
  }

  #stop(why: CallStopped): void {
    if (this.#why !== undefined) return;
    this.#why = why;
    // Handlers see a reason they can inspect; the CallStopped itself stays private to the runner.
    this.#controller.abort(why.kind === 'timeout' ? this.errorFor(why, undefined) : why.reason);
    this.#rejectStopped?.(why);
  }
}
