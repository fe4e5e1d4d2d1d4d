/**
 * Extism's browser build carries its worker script inline: a 74,000-character base64 `data:`
 * URL, evaluated into every bundle that imports Extism, though only worker isolation ever
 * starts a worker. In a production build the Vite plugin moves that script into a file of its
 * own, so the browser downloads it only when a worker starts (main-thread pages never do).
 * Development servers and workerd builds (no workers there, and no `import.meta.url` to resolve
 * a file against) keep Extism as it is. A worker of the app that runs a manager itself (the
 * playground's runner) is a bundle of its own, built with Vite's `worker.plugins`:
 * {@link extismWorkerSplit} does the same there.
 */

import type { Plugin } from 'vite';

/** Extism's browser build (the only one that inlines the worker). */
const EXTISM_BROWSER_BUILD = /[\\/]@extism[\\/]extism[\\/]dist[\\/]browser[\\/]mod\.js$/;

/** The inline worker: `new URL("data:text/javascript;base64,…")` (2.0.0-rc13). */
const INLINE_WORKER = /new URL\("data:text\/javascript;base64,([A-Za-z0-9+/=]+)"\)/;

/** What the transform needs of Rollup's plugin context. */
interface EmitContext {
  emitFile(file: { type: 'asset'; name: string; source: Uint8Array }): string;
}

/**
 * A transform's result: Extism's module code with the inline worker replaced by a URL of an
 * emitted file, or null for any other module (or an Extism build without the inline worker).
 */
export function splitExtismWorker(context: EmitContext, code: string, id: string): { code: string; map: null } | null {
  if (!EXTISM_BROWSER_BUILD.test(id)) return null;
  const match = INLINE_WORKER.exec(code);
  if (match?.[1] === undefined) return null;
  const reference = context.emitFile({ type: 'asset', name: 'extism-worker.js', source: Uint8Array.from(atob(match[1]), (c) => c.charCodeAt(0)) });
  return { code: code.slice(0, match.index) + `new URL(import.meta.ROLLUP_FILE_URL_${reference}, import.meta.url)` + code.slice(match.index + match[0].length), map: null };
}

/**
 * The split as a plugin of its own, for the bundles of workers (`worker.plugins`), which are
 * built for browsers only (workerd has no workers).
 */
export function extismWorkerSplit(): Plugin {
  let command: 'build' | 'serve' = 'build';
  return {
    name: 'reed-plugins:extism-worker',
    configResolved(config) {
      command = config.command;
    },
    transform(code, id) {
      return command === 'build' ? splitExtismWorker(this, code, id) : null;
    },
  };
}
