/**
 * bench/runtimes.ts in Chromium: leaves `{ oursUs, rawUs }` on `window.__reedBench`.
 */
import createPlugin from '@extism/extism';
import * as pkg from '@reedcms/plugins';
import plugins from 'virtual:reed-plugins';
import { benchHook } from './hook-bench.ts';

declare global {
  interface Window {
    __reedBench?: { oursUs: number; rawUs: number } | { error: string };
  }
}

const echo = plugins.find((p) => p.id === 'echo');
benchHook({ pkg: pkg as never, createPlugin: createPlugin as never, module: echo!.wasm, ops: 2000, rounds: 7 }).then(
  (result) => (window.__reedBench = result),
  (err: unknown) => (window.__reedBench = { error: String(err) }),
);
