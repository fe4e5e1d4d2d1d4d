/**
 * Runs async tasks one at a time, in submission order. Extism instances are not reentrant
 * (concurrent calls on one instance return each other's output), so every call on an instance
 * goes through one of these.
 */

/**
 * A FIFO of async tasks with at most one running.
 *
 * @example
 * ```ts
 * const queue = new SerialQueue();
 * const [a, b] = await Promise.all([queue.run(() => call('x')), queue.run(() => call('y'))]);
 * await queue.idle(); // resolves once nothing is running or waiting
 * ```
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #size = 0;

  /** Tasks running or waiting. */
  get size(): number {
    return this.#size;
  }

  /**
   * Queues a task; resolves or rejects with its result. A failing task never blocks the ones
   * after it.
   *
   * @example
   * ```ts
   * const out = await queue.run(() => guest.call('hook_x', input));
   * ```
   */
  run<T>(task: () => Promise<T> | T): Promise<T> {
    this.#size++;
    if (this.#size > 1) {
      const result = this.#tail.then(() => task());
      this.#tail = result.then(this.#done, this.#done);
      return result;
    }
    // Fast path: nothing pending, start now instead of after a microtask hop. The tail is set
    // *before* the task starts, so anything the task queues while starting waits for it.
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    const result = invoke(task);
    const settle = () => {
      this.#size--;
      release();
    };
    result.then(settle, settle);
    return result;
  }

  /** One shared settle callback instead of a closure per queued task. */
  readonly #done = (): void => {
    this.#size--;
  };

  /**
   * Resolves when every task queued so far has settled.
   *
   * @example
   * ```ts
   * await queue.idle();
   * ```
   */
  async idle(): Promise<void> {
    while (this.#size > 0) await this.#tail;
  }
}

function invoke<T>(task: () => Promise<T> | T): Promise<T> {
  try {
    return Promise.resolve(task());
  } catch (err) {
    return Promise.reject(err);
  }
}
