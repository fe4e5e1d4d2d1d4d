/**
 * Imported for its effect by the browser, Deno and workerd entries: Extism imported statically,
 * so bundlers keep it in the main chunk (workerd serves a single module). See extism-loader.ts.
 */
import createPlugin from '@extism/extism';
import { setExtismLoader } from './extism-loader.ts';

setExtismLoader(async () => createPlugin);
