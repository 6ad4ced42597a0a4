import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { POSTGRES_URL } from '../support/databases.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const OUT = fileURLToPath(new URL('../../../../test-artifacts/soak.json', import.meta.url));
/** The README's soak run is ten minutes; CI runs one minute of load (half on each storage). */
const LOAD_SECONDS = 60;
/** Before each half, load that is not judged for memory: V8's heap grows to its working size first. */
const WARM_UP_SECONDS = 20;

interface SoakRun {
  instances: number;
  requests: number;
  by_kind: Record<string, { requests: number; p50_ms: number; p99_ms: number }>;
  errors: number;
  first_errors: string[];
  server_log_errors: number;
  lost_updates: number;
  first_lost_updates: unknown[];
  memory: Record<string, { stable: boolean; growth_mib: number }>;
}

function runSoak(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const args = [
      'scripts/soak.mjs',
      '--duration',
      String(LOAD_SECONDS),
      '--warm-up',
      String(WARM_UP_SECONDS),
    ];
    args.push('--out', OUT);
    execFile(
      process.execPath,
      [...args, '--database-url', POSTGRES_URL],
      { cwd: ROOT, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe('the soak run (scripts/soak.mjs), one minute of it', () => {
  it('serves 50 clients pushing, polling and reading tokens on SQLite and on two PostgreSQL instances with no error, no lost update and flat memory', async () => {
    const { code, output } = await runSoak();
    console.log(
      output
        .split('\n')
        .filter((line) => /requests|errors|RSS|verdict/.test(line))
        .join('\n'),
    );
    expect(code, output).toBe(0);

    const result = JSON.parse(readFileSync(OUT, 'utf8'));
    expect(result.verdict).toEqual({ ok: true, problems: [] });
    const runs = result.runs as Record<string, SoakRun>;
    expect(Object.keys(runs)).toEqual(['sqlite', 'postgres']);
    expect(runs.sqlite!.instances).toBe(1);
    expect(runs.postgres!.instances).toBe(2);
    for (const [kind, run] of Object.entries(runs)) {
      expect({ kind, errors: run.errors, first: run.first_errors }).toEqual({ kind, errors: 0, first: [] });
      expect(run.server_log_errors, kind).toBe(0);
      expect({ kind, lost: run.first_lost_updates }).toEqual({ kind, lost: [] });
      for (const [instance, memory] of Object.entries(run.memory)) expect(memory.stable, instance).toBe(true);
      for (const needed of ['plan', 'apply', 'status', 'long_poll', 'token', 'consent', 'status_wake']) {
        expect(run.by_kind[needed]?.requests, `${kind} ${needed}`).toBeGreaterThan(0);
      }
    }
  }, 300_000);
});
