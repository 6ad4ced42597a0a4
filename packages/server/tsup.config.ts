import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/bin.ts', 'src/index.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  clean: true,
  sourcemap: true,
  // Bundled: ESM packages of hundreds of small modules cost far more resident memory loaded one
  // module at a time (kysely 19 MiB, zod 14 MiB) than as one chunk (4 and 7 MiB).
  noExternal: ['@base44-connectors/contract', 'kysely', 'zod'],
});
