import { purgeExpiredDeviceAuthorizations } from './auth/device-flow.js';
import { loadOrCreateServerSecrets } from './auth/server-secrets.js';
import type { ServerConfig } from './config.js';
import { buildServer } from './server.js';
import { checkDataDir, dataDirProblem } from './storage/data-dir.js';
import { openStorage, type Storage } from './storage/database.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Opens storage (migrating it), loads the data directory's secrets and listens. */
export async function startServer(
  config: ServerConfig,
  options: { log?: boolean; now?: () => number } = {},
): Promise<RunningServer> {
  const storage = await openCheckedStorage(config);
  try {
    // With PostgreSQL the data directory may be read-only once it holds the key files; when this
    // start has to create them and cannot, the error says so (a DataDirError) all the same.
    const secrets = await inDataDir(config, () => loadOrCreateServerSecrets(config.dataDir));
    const now = options.now ?? Date.now;
    await purgeExpiredDeviceAuthorizations(storage.db, now());
    const app = await inDataDir(config, () =>
      buildServer({
        config,
        storage,
        secrets,
        now,
        ...(options.log === undefined ? {} : { log: options.log }),
      }),
    );
    await app.listen({ host: config.host, port: config.port });
    return {
      url: config.publicUrl,
      async close() {
        await app.close();
        await storage.close();
      },
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}

/**
 * The storage the configuration names; for SQLite (the database in the data directory) after
 * checking that the data directory takes writes, so a read-only or full disk fails with a
 * DataDirError naming it, before anything is written.
 */
export async function openCheckedStorage(config: ServerConfig): Promise<Storage> {
  if (!config.databaseUrl) checkDataDir(config.dataDir);
  return inDataDir(config, () => openStorage(config));
}

/** Runs a step that writes the data directory; a failed write becomes a DataDirError. */
async function inDataDir<T>(config: ServerConfig, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw dataDirProblem(config.dataDir, error) ?? error;
  }
}
