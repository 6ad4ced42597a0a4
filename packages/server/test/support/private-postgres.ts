import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './server.js';

const run = promisify(execFile);

/**
 * A PostgreSQL cluster of the test's own, in a temp directory on a free port, that the test may
 * stop and start at will. (The shared server at :5432 serves every other test: never touch it.)
 */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  /** Shuts the cluster down (fast: open connections are cut), as an outage or a restart would. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

interface Binaries {
  initdb: string;
  pgCtl: string;
}

/** Why a private cluster cannot run here (no initdb, or root without a `postgres` user), else undefined. */
export function privatePostgresUnavailable(): string | undefined {
  if (!findBinaries())
    return 'no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql';
  if (process.getuid?.() === 0 && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) {
    return 'running as root without runuser, so PostgreSQL cannot be started as user postgres';
  }
  return undefined;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const binaries = findBinaries();
  if (!binaries) throw new Error(privatePostgresUnavailable());
  const dir = await mkdtemp(join(tmpdir(), 'base44-private-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  // PostgreSQL refuses to run as root: the cluster belongs to user postgres then.
  const asOwner = process.getuid?.() === 0 ? await ownedByPostgres(dir) : (command: string[]) => command;
  const pgCtl = (...args: string[]) =>
    runOrExplain(asOwner([binaries.pgCtl, '-D', data, ...args]), join(dir, 'server.log'));

  await runOrExplain(asOwner([binaries.initdb, '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']));
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => pgCtl('-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start');
  const stop = () => pgCtl('-m', 'fast', '-w', '-t', '30', 'stop');
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    async dispose() {
      await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function findBinaries(): Binaries | undefined {
  const onPath = (process.env.PATH ?? '').split(':').filter(Boolean);
  const installed = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .sort((a, b) => Number(b) - Number(a))
        .map((version) => `/usr/lib/postgresql/${version}/bin`)
    : [];
  for (const dir of [...onPath, ...installed]) {
    const initdb = join(dir, 'initdb');
    const pgCtl = join(dir, 'pg_ctl');
    if (existsSync(initdb) && existsSync(pgCtl)) return { initdb, pgCtl };
  }
  return undefined;
}

/** Hands `dir` to user postgres; answers how to run a command as that user. */
async function ownedByPostgres(dir: string): Promise<(command: string[]) => string[]> {
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: group } = await run('id', ['-g', 'postgres']);
  await chown(dir, Number(stdout.trim()), Number(group.trim()));
  return (command) => ['runuser', '-u', 'postgres', '--', ...command];
}

async function runOrExplain(command: string[], log?: string): Promise<void> {
  try {
    await run(command[0]!, command.slice(1), { timeout: 60_000 });
  } catch (error) {
    const serverLog = log ? await readFile(log, 'utf8').catch(() => '') : '';
    const { stderr = '', message } = error as { stderr?: string; message: string };
    throw new Error(`${command.join(' ')} failed: ${message}\n${stderr}\n${serverLog}`);
  }
}
