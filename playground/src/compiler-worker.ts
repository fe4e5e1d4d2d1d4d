/**
 * The in-browser AssemblyScript compiler: asc's own API with a virtual file system holding the
 * author's source and our SDK, and the flags `npm run build:plugins` uses. A worker, so the
 * seconds asc and binaryen take never freeze the page; created on the first Build only, so
 * neither is downloaded before.
 */
import sdkFiles from 'virtual:playground/sdk-files';
import { PACKAGE_ABORT_ELEMENT, ascFlags } from '../../src/cli/asc-flags.ts';

/** What the page sends. */
export interface CompileRequest {
  seq: number;
  source: string;
}

/** What the worker answers. */
export interface CompileReply {
  seq: number;
  /** The module, when the build succeeded. */
  wasm?: Uint8Array;
  /** asc's diagnostics text (errors and warnings). */
  output: string;
  ms: number;
}

/** The author's entry file in the virtual file system. */
export const ENTRY = 'assembly/index.ts';

const scope = self as unknown as { postMessage(message: CompileReply, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<CompileRequest>) => void) | null };

// Imported on the first message, not at the top: asc and binaryen await at module top level,
// and a module worker whose evaluation is still pending would miss the page's first message.
let compiler: Promise<typeof import('assemblyscript/asc')> | undefined;

scope.onmessage = async ({ data }) => {
  const asc = (await (compiler ??= import('assemblyscript/asc'))).default;
  const started = performance.now();
  const files = new Map<string, string>(Object.entries(sdkFiles));
  files.set(ENTRY, data.source);
  const written = new Map<string, Uint8Array>();
  let output = '';
  const sink = { write: (chunk: string | Uint8Array) => void (output += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk)) };
  const result = await asc.main([ENTRY, '--outFile', 'plugin.wasm', ...ascFlags(PACKAGE_ABORT_ELEMENT)], {
    stdout: sink,
    stderr: sink,
    readFile: (name: string, baseDir: string) => files.get(normalize(baseDir, name)) ?? null,
    writeFile: (name: string, contents: Uint8Array | string, baseDir: string) =>
      void written.set(normalize(baseDir, name), typeof contents === 'string' ? new TextEncoder().encode(contents) : contents),
    listFiles: () => [],
  });
  const wasm = result.error === null ? written.get('plugin.wasm') : undefined;
  if (result.error !== null && output.trim() === '') output = result.error.message;
  const reply: CompileReply = { seq: data.seq, output, ms: performance.now() - started, ...(wasm === undefined ? {} : { wasm }) };
  scope.postMessage(reply, wasm === undefined ? [] : [wasm.buffer]);
};

/** asc asks for `name` relative to `baseDir`; the map holds plain relative paths. */
function normalize(baseDir: string, name: string): string {
  const parts: string[] = [];
  for (const part of `${baseDir}/${name}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}
