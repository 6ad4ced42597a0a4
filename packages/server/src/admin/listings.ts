import { SERVICE_KEY_PREFIX, WORKSPACE_KEY_PREFIX } from '@base44-connectors/contract';
import type { Storage } from '../storage/database.js';

// What `users list`, `apps list` and `keys list` print: one record per row, as a table for people
// or as JSON (`--json`) for scripts. Never a whole key: its prefix and id, which `keys revoke` takes.

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  apps: number;
  created_at: string;
}

export interface AppRecord {
  id: string;
  name: string;
  owner: string | null;
  members: number;
  created_at: string;
}

export interface KeyRecord {
  id: string;
  key: string;
  kind: 'workspace' | 'service';
  /** The acting user's email (workspace key) or the app id (service key). */
  owner: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const isoTime = (millis: number) => new Date(millis).toISOString();

export async function listUsers(storage: Storage): Promise<UserRecord[]> {
  const rows = await storage.db
    .selectFrom('users')
    .leftJoin('app_members', 'app_members.user_id', 'users.id')
    .select(['users.id', 'users.email', 'users.name', 'users.created_at'])
    .select((eb) => eb.fn.count<number>('app_members.app_id').as('apps'))
    .groupBy(['users.id', 'users.email', 'users.name', 'users.created_at'])
    .orderBy('users.created_at')
    .orderBy('users.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    name: row.name,
    apps: Number(row.apps),
    created_at: isoTime(row.created_at),
  }));
}

export async function listApps(storage: Storage): Promise<AppRecord[]> {
  const rows = await storage.db
    .selectFrom('apps')
    .leftJoin('app_members as owners', (join) =>
      join.onRef('owners.app_id', '=', 'apps.id').on('owners.role', '=', 'owner'),
    )
    .leftJoin('users', 'users.id', 'owners.user_id')
    .select(['apps.id', 'apps.name', 'apps.created_at', 'users.email as owner'])
    .select((eb) =>
      eb
        .selectFrom('app_members')
        .whereRef('app_members.app_id', '=', 'apps.id')
        .select((count) => count.fn.countAll<number>().as('members'))
        .as('members'),
    )
    .orderBy('apps.created_at')
    .orderBy('apps.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    owner: row.owner,
    members: Number(row.members ?? 0),
    created_at: isoTime(row.created_at),
  }));
}

/** Active keys; with `includeRevoked`, the revoked ones too. */
export async function listKeys(storage: Storage, includeRevoked: boolean): Promise<KeyRecord[]> {
  let query = storage.db
    .selectFrom('api_keys')
    .leftJoin('users', 'users.id', 'api_keys.user_id')
    .select([
      'api_keys.id',
      'api_keys.kind',
      'api_keys.app_id',
      'api_keys.created_at',
      'api_keys.last_used_at',
      'api_keys.revoked_at',
      'users.email',
    ])
    .orderBy('api_keys.created_at')
    .orderBy('api_keys.id');
  if (!includeRevoked) query = query.where('api_keys.revoked_at', 'is', null);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    key: `${row.kind === 'service' ? SERVICE_KEY_PREFIX : WORKSPACE_KEY_PREFIX}${row.id}_…`,
    kind: row.kind,
    owner: row.kind === 'service' ? row.app_id : row.email,
    created_at: isoTime(row.created_at),
    last_used_at: row.last_used_at === null ? null : isoTime(row.last_used_at),
    revoked_at: row.revoked_at === null ? null : isoTime(row.revoked_at),
  }));
}
