import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { runtimeSource } from './scripts/lib/runtime-aliases.ts';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The test tiers, by folder. `integration` drives something outside this Node process that takes
 * seconds to start or build (Deno, workerd, Chromium, clang and Go, `npm pack`, the CLI's tsc build),
 * or runs for many seconds in-process (`*.slow.test.ts`: the property-based fuzzing and the hostile
 * suites that wait on worker timeouts); `unit` is everything else, with real Extism in-process. A
 * new test file joins its folder's tier.
 */
const INTEGRATION = ['test/runtimes/**/*.test.ts', 'test/languages/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/playground/playground.test.ts', 'test/**/*.slow.test.ts'];

export default defineConfig({
  resolve: {
    // Tests run against the source; the published package resolves to dist/ (and `#runtime`
    // through package.json "imports"). Exact matches: '@reedcms/plugins' must not swallow its subpaths.
    alias: [
      { find: /^@reedcms\/plugins$/, replacement: source('./src/node.ts') },
      { find: /^@reedcms\/plugins\/extism$/, replacement: source('./src/extism.ts') },
      { find: /^@reedcms\/plugins\/instrument$/, replacement: source('./src/instrumenter.ts') },
      { find: /^#runtime$/, replacement: runtimeSource('node') },
    ],
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    projects: [
      // Fixtures (AssemblyScript, WAT; C and Go for integration) are compiled from source once per run.
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: INTEGRATION, globalSetup: ['test/global-setup.ts'] } },
      { extends: true, test: { name: 'integration', include: INTEGRATION, globalSetup: ['test/global-setup.ts'] } },
    ],
  },
});
