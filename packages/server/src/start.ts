import { purgeExpiredDeviceAuthorizations } from './auth/device-flow.js';
import { loadOrCreateServerSecrets } from './auth/server-secrets.js';
import type { ServerConfig } from './config.js';
import { buildServer } from './server.js';
import { openStorage } from './storage/database.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Opens storage (migrating it), loads the data directory's secrets and listens. */
export async function startServer(
  config: ServerConfig,
  options: { log?: boolean; now?: () => number } = {},
): Promise<RunningServer> {
  const storage = await openStorage(config);
  try {
    const secrets = await loadOrCreateServerSecrets(config.dataDir);
    const now = options.now ?? Date.now;
    await purgeExpiredDeviceAuthorizations(storage.db, now());
    const app = await buildServer({
      config,
      storage,
      secrets,
      now,
      ...(options.log === undefined ? {} : { log: options.log }),
    });
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
