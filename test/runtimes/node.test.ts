/**
 * The conformance suite on Node: each case is a vitest `it`, against the source through the
 * '@reedcms/plugins' alias (the node entry). Modules are handed over as bytes, so the manager
 * instruments them at load.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import * as pkg from '@reedcms/plugins';
import { buildConformancePlugins } from '../conformance/build-plugins.ts';
import { existsSync } from 'node:fs';
import { SUITE_PLUGINS, WASI_SUITE_PLUGINS } from '../conformance/plugins.ts';
import { CASES, knownFailure, type SuiteInput } from '../conformance/suite.ts';

describe('conformance on node', () => {
  let input: SuiteInput;

  beforeAll(async () => {
    const root = await buildConformancePlugins();
    const plugins: SuiteInput['plugins'] = {};
    for (const p of SUITE_PLUGINS) plugins[p.id] = { manifest: p.manifest, wasm: new Uint8Array(await readFile(join(root, p.id, 'plugin.wasm'))) };
    for (const p of WASI_SUITE_PLUGINS) {
      if (existsSync(join(root, p.id, 'plugin.wasm'))) plugins[p.id] = { manifest: p.manifest, wasm: new Uint8Array(await readFile(join(root, p.id, 'plugin.wasm'))) };
    }
    input = { pkg, runtime: 'node', plugins, pluginDir: root };
  });

  for (const c of CASES) {
    const bug = knownFailure('node', c.name);
    if (bug === undefined) it(c.name, () => c.run(input));
    else it.fails(`${c.name} [known bug: ${bug}]`, () => c.run(input));
  }
});
