import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadOrCreateServerSecrets } from '../../src/auth/server-secrets.js';
import { loadConfig, type ServerConfig } from '../../src/config.js';
import { buildServer } from '../../src/server.js';
import { openStorage, type Storage } from '../../src/storage/database.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';

/** A clock tests move by hand. */
export class TestClock {
  constructor(public millis = Date.parse('2026-11-24T12:00:00Z')) {}
  now = () => this.millis;
  advance(seconds: number): void {
    this.millis += seconds * 1000;
  }
}

export interface TestServer {
  app: FastifyInstance;
  storage: Storage;
  config: ServerConfig;
  clock: TestClock;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The whole server in process, on its own database, driven through `app.inject`. */
export async function createTestServer(
  kind: DatabaseKind,
  overrides: { pollIntervalSeconds?: number; port?: number } = {},
): Promise<TestServer> {
  const database = await createTestDatabase(kind);
  const config = loadConfig(
    { dataDir: database.dataDir, databaseUrl: database.databaseUrl, port: overrides.port ?? 4044 },
    {},
  );
  config.login.pollIntervalSeconds = overrides.pollIntervalSeconds ?? 5;
  const storage = await openStorage(config);
  const clock = new TestClock();
  const app = await buildServer({
    config,
    storage,
    secrets: await loadOrCreateServerSecrets(config.dataDir),
    now: clock.now,
    log: false,
  });
  return {
    app,
    storage,
    config,
    clock,
    database,
    async close() {
      await app.close();
      await storage.close();
      await database.dispose();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
