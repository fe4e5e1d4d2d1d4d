/**
 * The page's side of the compiler worker, created on the first build (the compiler and
 * binaryen are megabytes: a visitor who never builds never downloads them).
 */
import type { CompileReply, CompileRequest } from './compiler-worker.ts';
import { parseDiagnostics, type CompileDiagnostic } from './diagnostics.ts';

/** A build's outcome. */
export interface BuildResult {
  wasm: Uint8Array | undefined;
  diagnostics: CompileDiagnostic[];
  output: string;
  ms: number;
}

let worker: Worker | undefined;
let seq = 0;
const pending = new Map<number, (reply: CompileReply) => void>();

/**
 * Compiles an AssemblyScript plugin source in the compiler worker.
 */
export function buildInBrowser(source: string): Promise<BuildResult> {
  if (worker === undefined) {
    worker = new Worker(new URL('./compiler-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }: MessageEvent<CompileReply>) => {
      pending.get(data.seq)?.(data);
      pending.delete(data.seq);
    };
    // A worker that fails to start (or crashes) answers every pending build with the reason.
    worker.onerror = (event) => {
      for (const [id, answer] of pending) answer({ seq: id, output: `ERROR COMPILER: the compiler worker failed: ${event.message || 'it could not be loaded'}`, ms: 0 });
      pending.clear();
      worker = undefined;
    };
  }
  const request: CompileRequest = { seq: ++seq, source };
  return new Promise((resolve) => {
    pending.set(request.seq, (reply) => resolve({ wasm: reply.wasm, diagnostics: parseDiagnostics(reply.output), output: reply.output, ms: reply.ms }));
    worker!.postMessage(request);
  });
}
