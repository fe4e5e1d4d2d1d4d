/**
 * Load, reload and unload of one plugin id run one at a time, in order: a reload never races
 * the unload queued before it. Different ids do not wait for each other.
 */
import { SerialQueue } from '../util/serial-queue.ts';

/** A serial queue per plugin id. */
export class LifecycleQueues {
  readonly #queues = new Map<string, SerialQueue>();

  /** Runs a lifecycle step for one plugin id after the ones already queued for it. */
  run<T>(id: string, task: () => Promise<T>): Promise<T> {
    let queue = this.#queues.get(id);
    if (queue === undefined) {
      queue = new SerialQueue();
      this.#queues.set(id, queue);
    }
    return queue.run(task);
  }

  /** Resolves when every step queued so far, for every id, has settled. */
  idle(): Promise<unknown> {
    return Promise.all([...this.#queues.values()].map((queue) => queue.idle()));
  }
}
