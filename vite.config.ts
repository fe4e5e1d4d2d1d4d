import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { runtimeSource } from './scripts/lib/runtime-aliases.ts';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

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
    include: ['test/**/*.test.ts'],
    // Fixtures (AssemblyScript and WAT plugins) are compiled from source once per run.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
