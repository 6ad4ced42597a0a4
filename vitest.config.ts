import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@base44-connectors/contract': fileURLToPath(
        new URL('packages/contract/src/index.ts', import.meta.url),
      ),
    },
  },
  test: {
    globalSetup: ['./vitest.global-setup.ts'],
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: browser and process tests fight for CPU when too many files run at once.
    maxWorkers: 2,
  },
});
