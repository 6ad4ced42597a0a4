import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadOrCreateServerSecrets } from '../../src/auth/server-secrets.js';
import { type HttpLimits, loadConfig, type ProviderSettings, type ServerConfig } from '../../src/config.js';
import { buildServer } from '../../src/server.js';
import { openStorage, type Storage } from '../../src/storage/database.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';
import { recordingOf, type ServerRecording } from './fastify-recorder.js';
import {
  type Finding,
  registerDataDirSecrets,
  SecretsInClear,
  scanDatabase,
  scanLogLines,
  scanTexts,
} from './secret-scan.js';

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
  /** Where it listens, with `listen: true`; otherwise the configured public URL (inject only). */
  url: string;
  storage: Storage;
  config: ServerConfig;
  clock: TestClock;
  database: TestDatabase;
  /** Every route it registered, every log line it wrote (level debug), every error body it sent. */
  recording: ServerRecording & { logLines: string[] };
  /** Registered secrets (see secret-scan.ts) in its log, its error bodies or its database. */
  secretsInClear(): Promise<Finding[]>;
  /** Stops it, then fails if `secretsInClear()` finds anything. */
  close(): Promise<void>;
}

export interface TestServerOptions {
  pollIntervalSeconds?: number;
  /** Listen on a free loopback port (or this one), for browsers and real HTTP clients. */
  listen?: boolean;
  port?: number;
  sandbox?: boolean;
  /** Answer as the Base44 cloud does (`--public-api-only`). */
  publicApiOnly?: boolean;
  providers?: Partial<ProviderSettings>;
  /** Share a database (and its data directory, with the keys) with another instance; not disposed on close. */
  database?: TestDatabase;
  clock?: TestClock;
  /** The address it hands out (default `http://127.0.0.1:PORT`); https turns on Secure cookies. */
  publicUrl?: string;
  /** Tighter HTTP limits than the defaults (small timeouts, a low connection cap). */
  limits?: Partial<HttpLimits>;
}

/** The whole server in process, on its own database, driven through `app.inject` or over HTTP. */
export async function createTestServer(
  kind: DatabaseKind,
  options: TestServerOptions = {},
): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase(kind));
  const port = options.port ?? (options.listen ? await freePort() : 4044);
  const config = loadConfig(
    { dataDir: database.dataDir, databaseUrl: database.databaseUrl, port, publicUrl: options.publicUrl },
    {},
  );
  config.logLevel = 'debug';
  config.login.pollIntervalSeconds = options.pollIntervalSeconds ?? 5;
  config.sandbox = options.sandbox ?? false;
  config.publicApiOnly = options.publicApiOnly ?? false;
  config.providers = { credentials: {}, extraCatalog: [], ...options.providers };
  config.limits = { ...config.limits, ...options.limits };
  const storage = await openStorage(config);
  const clock = options.clock ?? new TestClock();
  const logLines: string[] = [];
  const app = await buildServer({
    config,
    storage,
    secrets: await loadOrCreateServerSecrets(config.dataDir),
    now: clock.now,
    // Logged at debug into memory, for the secrets scan; nothing on stdout.
    log: { write: (line) => logLines.push(line) },
  });
  const recording = { ...recordingOf(app), logLines };
  registerDataDirSecrets(config.dataDir);
  if (options.listen) await app.listen({ host: '127.0.0.1', port });
  const secretsInClear = async (): Promise<Finding[]> => [
    ...scanLogLines(logLines, (index) => `log line ${index + 1}`),
    ...scanTexts(
      recording.errorBodies.map((error) => error.body),
      (index) =>
        `the ${recording.errorBodies[index]!.status} body of ${recording.errorBodies[index]!.request}`,
    ),
    ...(await scanDatabase(database)),
  ];
  return {
    app,
    url: config.publicUrl,
    storage,
    config,
    clock,
    database,
    recording,
    secretsInClear,
    async close() {
      await app.close();
      const findings = await secretsInClear();
      await storage.close();
      if (!options.database) await database.dispose();
      if (findings.length > 0) throw new SecretsInClear(`The test server at ${config.publicUrl}`, findings);
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
