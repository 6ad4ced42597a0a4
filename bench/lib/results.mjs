// Every benchmark keeps its latest figures under a key of its own in bench/results/latest.json.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { writeSummary } from './summary.mjs';

export const RESULTS = fileURLToPath(new URL('../results/latest.json', import.meta.url));

/** `value` rounded to `digits` decimals, as every figure in the results is. */
export const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** When and on what a benchmark ran: the first fields of every result. */
export function measuredOn() {
  return {
    measured_at: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model ?? 'unknown',
    memory_gib: round(totalmem() / 2 ** 30),
  };
}

/** Replaces this benchmark's key, keeps the others'; written atomically. Refreshes bench/README.md's summary. */
export function writeResult(key, result) {
  let existing = {};
  if (existsSync(RESULTS)) {
    try {
      existing = JSON.parse(readFileSync(RESULTS, 'utf8'));
    } catch {
      console.error(`${RESULTS} is not JSON; rewriting it`);
    }
  }
  mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
  const temporary = `${RESULTS}.tmp-${process.pid}`;
  const results = { ...existing, [key]: result };
  writeFileSync(temporary, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(temporary, RESULTS);
  writeSummary(results);
}
