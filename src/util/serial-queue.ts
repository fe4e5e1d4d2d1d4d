/**
 * Runs async tasks one at a time, in submission order. Extism instances are not reentrant
 * (concurrent calls on one instance return each other's output), so every call on an instance
 * goes through one of these.
 */

interface Waiting {
  task: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  /** Started with `enter`: the task calls `release` itself. */
  releasesItself: boolean;
}

/** A FIFO of async tasks with at most one running. */
export class SerialQueue {
  #running = false;
  readonly #waiting: Waiting[] = [];
  #head = 0;
  #idle: Array<() => void> = [];

  /** Tasks running or waiting. */
  get size(): number {
    return (this.#running ? 1 : 0) + this.#waiting.length - this.#head;
  }

  /**
   * Queues a task; resolves or rejects with its result. A failing task never blocks the ones
   * after it, and a task that queues more work while it runs never runs beside that work.
   */
  run<T>(task: () => Promise<T> | T): Promise<T> {
    if (this.#running) {
      return new Promise<T>((resolve, reject) => {
        this.#waiting.push({ task, resolve: resolve as (value: unknown) => void, reject, releasesItself: false });
      });
    }
    // Fast path: idle, so start now; no extra promise, closure or microtask hop.
    this.#running = true;
    const result = invoke(task);
    result.then(this.#next, this.#next);
    return result;
  }

  /**
   * Like `run`, for a task that calls `release()` itself as the last thing it does once its
   * work has settled (also when it fails): that saves the queue's own reaction to the task's
   * promise on the hot path. A task that throws synchronously is released here.
   */
  enter<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running) {
      return new Promise<T>((resolve, reject) => {
        this.#waiting.push({ task, resolve: resolve as (value: unknown) => void, reject, releasesItself: true });
      });
    }
    this.#running = true;
    return this.#start(task);
  }

  /** Ends the running `enter` task and starts the next one (synchronously). */
  release(): void {
    this.#next();
  }

  #start<T>(task: () => Promise<T>): Promise<T> {
    try {
      return task();
    } catch (err) {
      this.#next();
      return Promise.reject(err);
    }
  }

  /** Resolves when every task queued so far has settled. */
  idle(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Starts the next waiting task, or goes idle. Shared by every task: no per-task closure. */
  readonly #next = (): void => {
    if (this.#head === this.#waiting.length) {
      this.#waiting.length = 0;
      this.#head = 0;
      this.#running = false;
      // Checked first: splice allocates even when nobody waits (this runs after every call).
      if (this.#idle.length > 0) for (const resolve of this.#idle.splice(0)) resolve();
      return;
    }
    const waiting = this.#waiting[this.#head] as Waiting;
    // Drop the reference so a long queue does not keep finished tasks alive, and compact now
    // and then so a queue that never goes idle does not grow without bound.
    (this.#waiting as Array<Waiting | undefined>)[this.#head] = undefined;
    this.#head++;
    if (this.#head >= 1024 && this.#head * 2 >= this.#waiting.length) {
      this.#waiting.splice(0, this.#head);
      this.#head = 0;
    }
    if (waiting.releasesItself) {
      this.#start(waiting.task as () => Promise<unknown>).then(waiting.resolve, waiting.reject);
      return;
    }
    const result = invoke(waiting.task);
    result.then(waiting.resolve, waiting.reject);
    result.then(this.#next, this.#next);
  };
}

function invoke<T>(task: () => Promise<T> | T): Promise<T> {
  try {
    return Promise.resolve(task());
  } catch (err) {
    return Promise.reject(err);
  }
}
