/**
 * The files `reed-plugin init` writes: a plugin that builds, passes its own test and runs out of
 * the box (a filter on one hook that appends a configurable suffix to a string field).
 */

/** Inputs of the template. */
export interface TemplateOptions {
  id: string;
  hook: string;
  /** The version range of @reedcms/plugins to depend on. */
  packageRange: string;
  /** The AssemblyScript version the SDK is built and tested with. */
  assemblyscriptVersion: string;
  vitestRange: string;
}

/** The export an ABI hook name maps to (docs/abi.md), for the template's own code. */
function exportName(hook: string): string {
  return `hook_${hook.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Every file of a new plugin, by relative path. */
export function pluginTemplate(o: TemplateOptions): Record<string, string> {
  const fn = exportName(o.hook);
  return {
    'plugin.toml': `id = "${o.id}"
name = "${o.id}"
version = "0.1.0"
description = "Appends a suffix to the page title on ${o.hook}."
capabilities = [ { Hook = "${o.hook}" } ]

[config_schema]
type = "object"
additionalProperties = false

[config_schema.properties.suffix]
type = "string"
default = " ✓"
`,
    'assembly/index.ts': `// The ${o.id} plugin: on ${o.hook}, appends the configured suffix to the data's "title".
import { Config, Input, Log, Output, fail } from "@reedcms/plugins/sdk";

let suffix = " ✓";

export function initialize(): i32 {
  suffix = Config.json().getString("suffix", suffix);
  return 0;
}

export function ${fn}(): i32 {
  const r = Input.json();
  if (!r.ok || !r.value.isObject()) {
    fail("the input must be a JSON object");
    return 1;
  }
  const data = r.value;
  data.setString("title", data.getString("title") + suffix);
  Log.info("title updated");
  Output.json(data);
  return 0;
}
`,
    'assembly/tsconfig.json': `{ "extends": "assemblyscript/std/assembly.json", "include": ["./**/*.ts"] }
`,
    'test/plugin.test.ts': `import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestHost, type TestHost } from '@reedcms/plugins/testing';

let host: TestHost;
beforeAll(async () => {
  host = await createTestHost({ dir: '.', config: { suffix: '!' } });
});
afterAll(() => host.close());

it('appends the configured suffix to the title', async () => {
  const r = await host.run('${o.hook}', { title: 'Hello', path: '/' });
  expect(r.error).toBeUndefined();
  expect(r.output).toEqual({ title: 'Hello!', path: '/' });
  expect(r.logs).toContainEqual({ level: 'info', message: 'title updated' });
  expect(r.fuel).toBeGreaterThan(0);
});

it('fails with a typed error on bad input', async () => {
  const r = await host.run('${o.hook}', 'not an object');
  expect(r.error?.code).toBe('E_GUEST');
});
`,
    // Its own config, so vitest does not pick up one from a folder above.
    'vitest.config.ts': `import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['test/**/*.test.ts'] } });
`,
    'test/input.json': `{ "title": "Hello", "path": "/" }
`,
    'package.json': `${JSON.stringify(
      {
        name: o.id,
        version: '0.1.0',
        private: true,
        type: 'module',
        scripts: {
          build: 'reed-plugin build',
          test: 'reed-plugin build && vitest run',
          run: `reed-plugin run . ${o.hook} --input test/input.json`,
        },
        devDependencies: { '@reedcms/plugins': o.packageRange, assemblyscript: o.assemblyscriptVersion, vitest: o.vitestRange },
      },
      null,
      2,
    )}
`,
    '.gitignore': 'node_modules/\n*.wasm\n',
    'README.md': `# ${o.id}

A ReedCMS plugin (WebAssembly, AssemblyScript), built on \`@reedcms/plugins\`.

\`\`\`sh
npm install
npm run build                 # reed-plugin build: compiles assembly/index.ts to plugin.wasm and checks it
npm test                      # builds, then runs test/plugin.test.ts on the real host
npm run run                   # reed-plugin run: one ${o.hook} call on test/input.json, with fuel and logs
npx reed-plugin check         # what the host would refuse, without running anything
\`\`\`

\`plugin.toml\` declares what the plugin may do (its hooks, events, commands, network) and its
config schema; the host gives it exactly that and holds it to its limits.
`,
  };
}
