import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/bin.ts', 'src/index.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  clean: true,
  sourcemap: true,
  // Bundled: packages of hundreds of small modules cost far more resident memory loaded one module
  // at a time (kysely 19 MiB, zod 14 MiB, fastify 23 MiB) than as one chunk (4, 7 and 12 MiB).
  noExternal: ['@base44-connectors/contract', 'kysely', 'zod', 'fastify', /^@fastify\//],
  // Bundled CommonJS (fastify) calls require(), which an ES module lacks.
  banner: {
    js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);",
  },
});
