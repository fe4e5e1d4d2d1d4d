/**
 * Extism imported statically, for the `#runtime` targets that bundle it (Deno). See
 * extism-loader.ts.
 */
import createPlugin from '@extism/extism';
import type { CreatePlugin } from './extism-loader.ts';

/** `loadExtism` of a runtime that bundles Extism. */
export const staticExtism = async (): Promise<CreatePlugin> => createPlugin;
