/**
 * The wire between a plugin's own worker (src/engine/worker-serve.ts) and the host's thread
 * (src/engine/worker-guest.ts) for what the guest asks of the host synchronously: a host
 * function, a file of a mount. The worker posts the request as a message and blocks in
 * `Atomics.wait`; the host answers through a SharedArrayBuffer, in chunks when the answer is
 * larger than the buffer, waiting asynchronously (`Atomics.waitAsync`) between chunks, because a
 * page's main thread may not block.
 *
 * A reply is JSON plus binary parts (blocks, file bytes), so no byte is ever turned into text.
 */

/** A worker as the host sees it: the web's `Worker` shape (Node's is adapted to it). */
export interface GuestWorkerPort {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  /** Receives the worker's messages. */
  onMessage(listener: (message: unknown) => void): void;
  /** Told when the worker dies of an uncaught error (its script failed to load, or crashed). */
  onError(listener: (error: unknown) => void): void;
  terminate(): void;
  /** Told when a call starts and ends (Node keeps the process alive only while a call runs). */
  setBusy?(busy: boolean): void;
}

/** Extism's namespace of host functions, and of its kernel (which the worker keeps, but for the host's replacements). */
export const HOST_USER = 'extism:host/user';
export const HOST_ENV = 'extism:host/env';

/** A reply: a JSON value and binary parts it refers to by index. */
export interface ChannelReply {
  value: unknown;
  parts: Uint8Array[];
}

/** Bytes of one chunk of a reply: the buffer is this plus its header. */
const CHUNK_BYTES = 64 * 1024;
/** Int32 slots: [0] state, [1] the whole reply's length, [2] this chunk's length. */
const HEADER_BYTES = 16;
const IDLE = 0;
const CHUNK = 1;
/** How long the worker sleeps in one wait before looking again (it is terminated on timeout). */
const WAIT_SLICE_MS = 1000;

/** The shared buffer of one worker's channel. */
export function channelBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + CHUNK_BYTES);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A reply as one byte string: u32 JSON length, JSON, u32 part count, then u32 length + bytes per part. */
function encodeReply(reply: ChannelReply): Uint8Array {
  const json = encoder.encode(JSON.stringify(reply.value ?? null));
  let size = 8 + json.byteLength;
  for (const part of reply.parts) size += 4 + part.byteLength;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.byteLength, true);
  out.set(json, 4);
  let at = 4 + json.byteLength;
  view.setUint32(at, reply.parts.length, true);
  at += 4;
  for (const part of reply.parts) {
    view.setUint32(at, part.byteLength, true);
    out.set(part, at + 4);
    at += 4 + part.byteLength;
  }
  return out;
}

function decodeReply(bytes: Uint8Array): ChannelReply {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(0, true);
  const value = JSON.parse(decoder.decode(bytes.subarray(4, 4 + jsonLength))) as unknown;
  let at = 4 + jsonLength;
  const count = view.getUint32(at, true);
  at += 4;
  const parts: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const length = view.getUint32(at, true);
    parts.push(bytes.slice(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return { value, parts };
}

/** `Atomics.waitAsync` where the engine has it; otherwise a poll on a timer. */
async function waitWhile(state: Int32Array, value: number, stopped: () => boolean): Promise<void> {
  const waitAsync = (Atomics as { waitAsync?: (a: Int32Array, i: number, v: number, t: number) => { async: boolean; value: Promise<string> | string } }).waitAsync;
  while (Atomics.load(state, 0) === value && !stopped()) {
    if (waitAsync !== undefined) {
      const result = waitAsync(state, 0, value, WAIT_SLICE_MS);
      if (result.async) await result.value;
    } else {
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
}

/**
 * The host's side: writes a reply for the waiting worker, chunk by chunk. Resolves once the
 * worker has taken the last chunk, or once `stopped()` says the worker is gone.
 */
export async function sendReply(buffer: SharedArrayBuffer, reply: ChannelReply, stopped: () => boolean): Promise<void> {
  const state = new Int32Array(buffer, 0, 4);
  const data = new Uint8Array(buffer, HEADER_BYTES);
  const bytes = encodeReply(reply);
  // Never empty: the JSON's length alone takes four bytes.
  for (let at = 0; at < bytes.byteLength;) {
    const length = Math.min(CHUNK_BYTES, bytes.byteLength - at);
    data.set(bytes.subarray(at, at + length));
    Atomics.store(state, 1, bytes.byteLength);
    Atomics.store(state, 2, length);
    Atomics.store(state, 0, CHUNK);
    Atomics.notify(state, 0);
    at += length;
    await waitWhile(state, CHUNK, stopped);
    if (stopped()) return;
  }
}

/** The worker's side: blocks until the whole reply has arrived. */
export function receiveReply(buffer: SharedArrayBuffer): ChannelReply {
  const state = new Int32Array(buffer, 0, 4);
  const data = new Uint8Array(buffer, HEADER_BYTES);
  let bytes: Uint8Array | undefined;
  let received = 0;
  for (;;) {
    while (Atomics.load(state, 0) !== CHUNK) Atomics.wait(state, 0, IDLE, WAIT_SLICE_MS);
    const total = Atomics.load(state, 1);
    const length = Atomics.load(state, 2);
    bytes ??= new Uint8Array(total);
    bytes.set(data.subarray(0, length), received);
    received += length;
    Atomics.store(state, 0, IDLE);
    Atomics.notify(state, 0);
    if (received >= total) return decodeReply(bytes);
  }
}

/** A typed error as it crosses threads (rebuilt as a GuestError on the host's side). */
export interface WireError {
  code: string;
  /** The message without the `[pluginId] ` prefix. */
  message: string;
  operation: string | undefined;
  limit: { name: string; value: number } | undefined;
}

/** A mount as the worker's WASI layer sees it: its files stay on the host's side. */
export interface WireMount {
  path: string;
  writable: boolean;
  costBytes: number;
}

/** What the worker needs to instantiate the guest: the engine options that can cross threads. */
export interface WireGuestOptions {
  pluginId: string;
  config: Record<string, string>;
  logLevel: string;
  hostMemoryBytes: number | undefined;
  maxVarBytes: number | undefined;
  meterFuel: boolean;
  /** Log bytes per call the worker forwards at most (the host drops past its limit anyway). */
  maxLogBytes: number;
  wasi: { args: string[]; env: string[]; deterministic: boolean; mounts: WireMount[]; maxLineBytes: number; maxFileHandles: number };
  /** Functions served on the host's side, by import namespace. */
  remote: Record<string, string[]>;
}

/** Messages to the worker. */
export type ToWorker = { type: 'init'; module: WebAssembly.Module; buffer: SharedArrayBuffer; options: WireGuestOptions } | { type: 'call'; name: string; input: Uint8Array };

/** Messages from the worker. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; error: WireError }
  | { type: 'log'; level: 'trace' | 'debug' | 'info' | 'warn' | 'error'; message: string }
  | { type: 'signal'; what: 'host-memory' | 'vars' | 'exit'; code: number }
  | { type: 'host'; namespace: string; name: string; args: unknown[]; blocks: Array<[bigint, Uint8Array]> }
  | { type: 'file'; mount: number; op: string; args: unknown[] }
  | { type: 'done'; output: Uint8Array }
  | { type: 'error'; error: WireError };
