/**
 * The `default` target of `#runtime` (runtimes no other condition names): the web adapter (no
 * file system, see adapter.ts), and Extism imported when the first plugin loads.
 */
import { webRuntime, type RuntimeBinding } from './adapter.ts';

export { webRuntime };

/** The adapter managers use when none is given. */
export const defaultRuntime: RuntimeBinding['defaultRuntime'] = webRuntime;

/** Extism, imported on first use. */
export const loadExtism: RuntimeBinding['loadExtism'] = async () => (await import('@extism/extism')).default;
