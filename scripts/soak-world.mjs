// The soak run's world on one storage: a data directory (and a PostgreSQL schema), accounts made
// with the server's admin commands, the `base44-server --sandbox` processes, and the token apps'
// connector approved in the sandbox. See scripts/soak.mjs.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectWithSandbox } from '../bench/lib/token-consent.mjs';
import { ENV, freePort, ROOT, SERVER_BIN, startServer } from '../bench/lib/token-server.mjs';

const run = promisify(execFile);
export const EMAIL = 'soak@example.com';
/** The connector every app lists in every push, connected (and read with service keys) on token apps. */
export const TOKEN_TYPE = 'slack';
export const TOKEN_SCOPES = ['chat:write'];

/** A `base44-server` admin command against this storage; resolves to what it printed. */
async function admin(args, storage) {
  const db = storage.databaseUrl ? ['--database-url', storage.databaseUrl] : [];
  const { stdout } = await run(
    process.execPath,
    [SERVER_BIN, ...args, '--data-dir', storage.dataDir, ...db],
    {
      cwd: ROOT,
      env: ENV,
    },
  );
  return stdout.trim();
}

/** Runs `tasks` (functions returning promises) at most `limit` at a time, in order of their results. */
async function limited(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** Where one storage lives: a SQLite data directory, or a fresh schema of `postgresUrl` (with its own data directory for the keys). */
export function storageAt(work, kind, postgresUrl) {
  const dataDir = join(work, kind);
  mkdirSync(dataDir, { recursive: true });
  if (kind === 'sqlite') return { kind, dataDir, databaseUrl: undefined, schema: undefined };
  // Inside a test run (vitest.global-setup.ts) the schema is the run's, dropped after every test
  // file has finished: dropping it here could race another file's migrations.
  const run = process.env.BASE44_TEST_RUN;
  const schema = `${run ? `t_${run}_` : ''}soak_${randomBytes(6).toString('hex')}`;
  const url = new URL(postgresUrl);
  url.searchParams.set('schema', schema);
  return { kind, dataDir, databaseUrl: url.href, schema };
}

/**
 * A user, its workspace key, `appCount` apps and a service key for each of the first `tokenApps`.
 * The first command runs alone (it creates the tables); the others `parallel` at a time.
 */
export async function provision(storage, { appCount, tokenApps, parallel = 4 }) {
  await admin(['users', 'add', '--email', EMAIL], storage);
  const [workspaceKey, ...appIds] = await limited(
    [
      () => admin(['keys', 'create', '--email', EMAIL], storage),
      ...Array.from(
        { length: appCount },
        (_, index) => () => admin(['apps', 'create', '--name', `Soak ${index}`, '--owner', EMAIL], storage),
      ),
    ],
    parallel,
  );
  const serviceKeys = await limited(
    appIds
      .slice(0, tokenApps)
      .map((appId) => () => admin(['keys', 'create', '--service', '--app', appId], storage)),
    parallel,
  );
  return {
    workspaceKey,
    apps: appIds.map((id, index) => ({ id, serviceKey: serviceKeys[index] ?? null })),
  };
}

/** `count` server instances on this storage (two on one PostgreSQL schema share it), logging warnings to `work`. */
export async function startInstances(storage, count, work) {
  const instances = [];
  for (let index = 0; index < count; index++) {
    const name = `${storage.kind}-${index + 1}`;
    instances.push(
      await startServer({
        name,
        port: await freePort(),
        dataDir: storage.dataDir,
        databaseUrl: storage.databaseUrl,
        logFile: join(work, `${name}.log`),
        logLevel: 'warn',
      }),
    );
  }
  return instances;
}

/** Approves the token type of every app that has a service key, through the sandbox of `instance`. */
export async function connectTokenApps(instance, account) {
  for (const app of account.apps.filter((candidate) => candidate.serviceKey)) {
    await connectWithSandbox({
      serverUrl: instance.url,
      appId: app.id,
      workspaceKey: account.workspaceKey,
      type: TOKEN_TYPE,
      scopes: TOKEN_SCOPES,
    });
  }
}

/** Drops the schema of a PostgreSQL storage (the soak's own, made for this run). */
export async function dropSchema(storage, postgresUrl) {
  if (!storage.schema || storage.schema.startsWith('t_')) return;
  const require = createRequire(new URL('../packages/server/package.json', import.meta.url));
  const pg = require('pg');
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${storage.schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
