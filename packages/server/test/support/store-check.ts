import { sql } from 'kysely';
import { type Attempt, findAttempt } from '../../src/connectors/attempts.js';
import { type Connector, listConnectors, openTokens, readRevision } from '../../src/connectors/store.js';
import { openStorage, type StorageLocation } from '../../src/storage/database.js';
import { loadKeyring } from '../../src/vault/keyring.js';
import { Vault } from '../../src/vault/vault.js';

export interface AppState {
  revision: number;
  connectors: Connector[];
}

export interface StoreInspection {
  /** Everything that is not whole, one line each; empty when all is well. */
  problems: string[];
  apps: Record<string, AppState>;
  /** The attempts asked about, by id, as they read back. */
  attempts: Record<string, Attempt>;
}

/**
 * Reads a stopped server's database the way the server would and says what is not whole: the
 * SQLite file's own integrity check, connector rows whose JSON does not parse, active connectors
 * whose sealed tokens do not open, pending ones that hold tokens, attempts that do not read back.
 */
export async function inspectStore(
  location: StorageLocation,
  appIds: readonly string[],
  attemptIds: readonly string[] = [],
): Promise<StoreInspection> {
  const storage = await openStorage(location);
  const vault = new Vault(loadKeyring(location.dataDir, undefined));
  const problems: string[] = [];
  const apps: Record<string, AppState> = {};
  const attempts: Record<string, Attempt> = {};
  try {
    if (storage.kind === 'sqlite') {
      const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(storage.db);
      const verdict = rows.map((row) => row.integrity_check).join('; ');
      if (verdict !== 'ok') problems.push(`integrity_check: ${verdict}`);
    }
    for (const appId of appIds) {
      const connectors = await listConnectors(storage.db, appId).catch((error: Error) => {
        problems.push(`app ${appId}: its connectors do not read back: ${error.message}`);
        return [];
      });
      for (const connector of connectors) problems.push(...connectorProblems(vault, connector));
      apps[appId] = { revision: await readRevision(storage.db, appId), connectors };
    }
    for (const id of attemptIds) {
      const attempt = await findAttempt(storage.db, id).catch((error: Error) => {
        problems.push(`attempt ${id} does not read back: ${error.message}`);
        return null;
      });
      if (attempt === undefined) problems.push(`attempt ${id} is gone`);
      if (attempt) attempts[id] = attempt;
    }
  } finally {
    await storage.close();
  }
  return { problems, apps, attempts };
}

function connectorProblems(vault: Vault, connector: Connector): string[] {
  const name = `${connector.appId}/${connector.type} (${connector.state})`;
  if (!['pending', 'active', 'expired', 'disconnected'].includes(connector.state)) {
    return [`${name}: unknown state`];
  }
  if (!Array.isArray(connector.scopes)) return [`${name}: scopes are not a list`];
  if (connector.state === 'pending') {
    return connector.sealedAccessToken === null ? [] : [`${name}: pending but holds a token`];
  }
  if (connector.state !== 'active') return [];
  if (connector.userId === null || !Array.isArray(connector.grantedScopes)) {
    return [`${name}: active without the member or the scopes that authorized it`];
  }
  try {
    const { accessToken } = openTokens(vault, connector);
    return accessToken ? [] : [`${name}: active without an access token`];
  } catch (error) {
    return [`${name}: its sealed tokens do not open: ${(error as Error).message}`];
  }
}
