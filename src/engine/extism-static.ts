/**
 * Extism imported statically, for the `#runtime` targets whose bundles must hold it (browser,
 * Deno, workerd: workerd serves a single module). See extism-loader.ts.
 */
import createPlugin from '@extism/extism';
import type { RuntimeBinding } from '../runtime/adapter.ts';

/** `loadExtism` of a runtime that bundles Extism. */
export const staticExtism: RuntimeBinding['loadExtism'] = async () => createPlugin;
