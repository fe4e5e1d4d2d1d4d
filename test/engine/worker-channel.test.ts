/**
 * The channel between the host and a plugin's own worker, across a real worker thread: a reply
 * larger than one chunk arrives whole (JSON and binary parts), and the host's side stops
 * waiting once the worker is gone.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { channelBuffer, sendReply } from '../../src/engine/worker-channel.ts';

const tsx = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs'),
).href;
const channel = new URL('../../src/engine/worker-channel.ts', import.meta.url).href;

/** A worker that receives one reply and posts back what it decoded. */
function receiver(): Worker {
  return new Worker(
    `const { parentPort } = require('node:worker_threads');
import(${JSON.stringify(tsx)}).then((t) => t.register()).then(() => import(${JSON.stringify(channel)})).then(({ receiveReply }) => {
  parentPort.on('message', (buffer) => parentPort.postMessage(receiveReply(buffer)));
  parentPort.postMessage('ready');
});`,
    { eval: true },
  );
}

describe('worker channel', () => {
  it('carries a reply of several chunks whole, parts byte for byte', async () => {
    const worker = receiver();
    try {
      await new Promise((resolve) => worker.once('message', resolve));
      const buffer = channelBuffer();
      const big = new Uint8Array(300_000).map((_, i) => (i * 31) & 0xff);
      const small = new TextEncoder().encode('ünïcode');
      const received = new Promise<{ value: unknown; parts: Uint8Array[] }>((resolve) => worker.once('message', resolve));
      worker.postMessage(buffer);
      await sendReply(buffer, { value: { result: { i64: '18446744073709551615' }, note: 'ok' }, parts: [big, small, new Uint8Array(0)] }, () => false);
      const reply = await received;
      expect(reply.value).toEqual({ result: { i64: '18446744073709551615' }, note: 'ok' });
      expect(reply.parts.map((p) => p.byteLength)).toEqual([300_000, small.byteLength, 0]);
      expect(Buffer.from(reply.parts[0]!).equals(Buffer.from(big))).toBe(true);
      expect(new TextDecoder().decode(reply.parts[1])).toBe('ünïcode');
    } finally {
      await worker.terminate();
    }
  });

  it('stops waiting for a worker that is gone', async () => {
    let gone = false;
    const sending = sendReply(channelBuffer(), { value: null, parts: [new Uint8Array(200_000)] }, () => gone);
    gone = true;
    await expect(sending).resolves.toBeUndefined();
  });
});
