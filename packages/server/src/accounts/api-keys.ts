import { SERVICE_KEY_PREFIX, WORKSPACE_KEY_PREFIX } from '@base44-connectors/contract';
import type { Kysely, Selectable } from 'kysely';
import { hashSecret, newId, newSecret, secretsEqual } from '../crypto/random.js';
import type { RowCache } from '../storage/row-cache.js';
import type { ApiKeyKind, ApiKeysTable, Database } from '../storage/schema.js';
import { findApp } from './apps.js';
import { NotFoundError } from './errors.js';
import type { User } from './users.js';

/**
 * A key reads `<prefix><id>_<secret>`: the id finds the record in one indexed lookup and is what
 * `keys revoke` takes; only the secret's hash is stored.
 */
export interface IssuedKey {
  id: string;
  key: string;
}

export type ResolvedKey =
  | { kind: 'workspace'; keyId: string; userId: string }
  | { kind: 'service'; keyId: string; appId: string };

const PREFIXES: Record<ApiKeyKind, string> = { workspace: WORKSPACE_KEY_PREFIX, service: SERVICE_KEY_PREFIX };

export async function createWorkspaceKey(db: Kysely<Database>, user: User, now: number): Promise<IssuedKey> {
  return insertKey(db, { kind: 'workspace', user_id: user.id, app_id: null }, now);
}

export async function createServiceKey(db: Kysely<Database>, appId: string, now: number): Promise<IssuedKey> {
  if (!(await findApp(db, appId))) throw new NotFoundError(`No app has the id ${appId}`);
  return insertKey(db, { kind: 'service', user_id: null, app_id: appId }, now);
}

async function insertKey(
  db: Kysely<Database>,
  owner: { kind: ApiKeyKind; user_id: string | null; app_id: string | null },
  now: number,
): Promise<IssuedKey> {
  const id = newId();
  const secret = newSecret();
  await db
    .insertInto('api_keys')
    .values({ id, ...owner, secret_hash: hashSecret(secret), created_at: now, revoked_at: null })
    .execute();
  return { id, key: `${PREFIXES[owner.kind]}${id}_${secret}` };
}

/** Revokes by key id, or by the whole key for someone who kept only that. */
export async function revokeKey(db: Kysely<Database>, idOrKey: string, now: number): Promise<void> {
  const id = parseKey(idOrKey)?.id ?? idOrKey;
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new NotFoundError(`No active key has the id ${id}`);
}

type KeyRow = Pick<Selectable<ApiKeysTable>, 'id' | 'kind' | 'secret_hash' | 'user_id' | 'app_id'>;

export type KeyResolver = (presented: string) => Promise<ResolvedKey | undefined>;

/**
 * Resolves presented keys, keeping the rows it read in a `RowCache`: a revoked key's row is gone
 * from it with the write that revoked it. The secret is checked against the row's hash every time.
 */
export function keyResolver(
  db: Kysely<Database>,
  rows: RowCache<KeyRow>,
  onUse: (keyId: string) => void = () => undefined,
): KeyResolver {
  return async (presented) => {
    const parsed = parseKey(presented);
    if (!parsed) return undefined;
    let row = rows.get(parsed.id);
    if (!row) {
      const mark = rows.mark();
      row = await readActiveKey(db, parsed.id);
      if (row) rows.store(parsed.id, row, mark);
    }
    const resolved = row && verifiedKey(row, parsed);
    if (resolved) onUse(resolved.keyId);
    return resolved;
  };
}

function readActiveKey(db: Kysely<Database>, id: string): Promise<KeyRow | undefined> {
  return db
    .selectFrom('api_keys')
    .select(['id', 'kind', 'secret_hash', 'user_id', 'app_id'])
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

function verifiedKey(row: KeyRow, parsed: ParsedKey): ResolvedKey | undefined {
  if (row.kind !== parsed.kind || !secretsEqual(row.secret_hash, hashSecret(parsed.secret))) return undefined;
  if (row.kind === 'workspace' && row.user_id)
    return { kind: 'workspace', keyId: row.id, userId: row.user_id };
  if (row.kind === 'service' && row.app_id) return { kind: 'service', keyId: row.id, appId: row.app_id };
  return undefined;
}

interface ParsedKey {
  kind: ApiKeyKind;
  id: string;
  secret: string;
}

const KEY_PATTERNS = (['workspace', 'service'] as const).map(
  (kind) => [kind, new RegExp(`^${PREFIXES[kind]}([0-9a-f]{16})_([A-Za-z0-9_-]{43})$`)] as const,
);

function parseKey(presented: string): ParsedKey | undefined {
  for (const [kind, pattern] of KEY_PATTERNS) {
    const match = pattern.exec(presented);
    if (match) return { kind, id: match[1]!, secret: match[2]! };
  }
  return undefined;
}

export function looksLikeServiceKey(value: string): boolean {
  return value.startsWith(SERVICE_KEY_PREFIX);
}
