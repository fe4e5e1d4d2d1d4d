import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run against the source; the published package resolves to dist/.
    alias: { '@reedcms/plugins': fileURLToPath(new URL('./src/node.ts', import.meta.url)) },
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
