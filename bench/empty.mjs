// An empty ES module: what any ESM entry point costs Node before running a line of its own.
// bench/cli-start.mjs times `node bench/empty.mjs` as a reference beside `node -e 0`.
