/**
 * The page's side of the runner worker: one request at a time, answered in order.
 */
import type { RunnerReply, RunnerRequest } from './protocol.ts';

/**
 * Talks to the runner worker.
 */
export class Runner {
  readonly #worker = new Worker(new URL('./runner-worker.ts', import.meta.url), { type: 'module' });
  readonly #pending = new Map<number, (reply: RunnerReply) => void>();
  #seq = 0;

  constructor() {
    this.#worker.onmessage = ({ data }: MessageEvent<RunnerReply>) => {
      this.#pending.get(data.seq)?.(data);
      this.#pending.delete(data.seq);
    };
    // A worker that fails to start answers every pending request with the reason.
    this.#worker.onerror = (event) => {
      const message = `the runner worker failed: ${event.message || 'it could not be loaded'}`;
      for (const [seq, answer] of this.#pending)
        answer({ seq, report: { ok: false, error: { code: 'Error', operation: 'runner', message, issues: [] }, logs: [], events: [], denied: [], requests: [] } });
      this.#pending.clear();
    };
  }

  /** Sends a request; resolves with the worker's reply. */
  send(request: RunnerRequest): Promise<RunnerReply> {
    const seq = ++this.#seq;
    return new Promise((resolve) => {
      this.#pending.set(seq, resolve);
      this.#worker.postMessage({ seq, request }, request.kind === 'load' && 'bytes' in request.module ? [request.module.bytes] : []);
    });
  }
}
