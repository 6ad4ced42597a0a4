import { mkdirSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';

/**
 * Property-based tests and fuzzing runs with fast-check. CI runs each property a bounded number of
 * times; `BASE44_FUZZ_RUNS=N` runs every property N times (a longer fuzzing run), and
 * `BASE44_FUZZ_SEED=S` replays the seed a failure printed.
 */
export function fuzzRuns(ciRuns: number): number {
  const wanted = Number(process.env.BASE44_FUZZ_RUNS);
  return Number.isInteger(wanted) && wanted > 0 ? wanted : ciRuns;
}

/** How long one property's test may take: generous in CI (a busy machine), an hour for a long fuzzing run. */
export function fuzzTimeout(): number {
  return process.env.BASE44_FUZZ_RUNS ? 3_600_000 : 120_000;
}

const ARTIFACTS_DIR = new URL('../../../../test-artifacts/fuzz/', import.meta.url);

/** Odd characters every text generator mixes in: controls, bidi marks, BOMs, separators, lone surrogates. */
export const ODD_CHARACTERS = [
  '\u0000',
  '\u0007',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u200b',
  '\u200e',
  '\u200f',
  '\u202e',
  '\u2066',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffd',
  '\ud800',
  '\udfff',
  '\u0301',
  '😀',
  '\u{1d173}',
  '漢',
  'ß',
  '\t',
  '\r',
  '\n',
] as const;

/** One character of any kind: any code point, a lone surrogate half, or one of ODD_CHARACTERS. */
export const anyCharacter: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 2 },
  { arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)), weight: 1 },
  { arbitrary: fc.constantFrom(...ODD_CHARACTERS), weight: 2 },
);

/** A string of `anyCharacter`. */
export const anyText = (maxLength = 40): fc.Arbitrary<string> => fc.string({ unit: anyCharacter, maxLength });

/**
 * Runs properties and keeps count of the inputs each one tried; `write()` prints one summary line
 * and records the counts (and seeds, to replay) in `test-artifacts/fuzz/<suite>.json`.
 */
export class FuzzLedger {
  private readonly properties: Record<string, { inputs: number; seed: number }> = {};

  constructor(readonly suite: string) {}

  async check<Ts>(name: string, property: fc.IRawProperty<Ts>, numRuns: number): Promise<void> {
    const seed = Number(process.env.BASE44_FUZZ_SEED);
    const details = await fc.check(property, {
      numRuns,
      ...(Number.isInteger(seed) ? { seed } : {}),
    });
    this.properties[name] = { inputs: details.numRuns + details.numShrinks, seed: details.seed };
    if (details.failed) {
      const cause =
        details.errorInstance instanceof Error ? details.errorInstance.message : details.errorInstance;
      throw new Error(`${name}\n${fc.defaultReportMessage(details)}\n${String(cause)}`);
    }
  }

  get total(): number {
    return Object.values(this.properties).reduce((sum, { inputs }) => sum + inputs, 0);
  }

  write(): void {
    const count = Object.keys(this.properties).length;
    console.log(`fuzz ${this.suite}: ${this.total} inputs tried over ${count} properties`);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const record = {
      suite: this.suite,
      finished_at: new Date().toISOString(),
      node: process.version,
      inputs: this.total,
      properties: this.properties,
    };
    writeFileSync(new URL(`${this.suite}.json`, ARTIFACTS_DIR), `${JSON.stringify(record, null, 2)}\n`);
  }
}
