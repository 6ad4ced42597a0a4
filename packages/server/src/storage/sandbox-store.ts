import type { Adapter, AdapterConstructor, AdapterPayload } from '@base44-connectors/sandbox';
import type { Kysely } from 'kysely';
import { hashSecret } from '../crypto/random.js';
import type { Vault } from '../vault/vault.js';
import type { Database } from './schema.js';

/**
 * Where the sandbox provider (oidc-provider) keeps its grants, tokens and sign-ins: in the
 * server's own database, so sandbox connections survive a restart like real ones do. A record's
 * id is often the token itself, so keys are stored hashed and payloads sealed by the vault.
 */
export function sandboxStore(
  db: Kysely<Database>,
  vault: Vault,
  now: () => number = Date.now,
): AdapterConstructor {
  return class SandboxStore implements Adapter {
    constructor(private readonly model: string) {}

    private key(id: string): string {
      return hashSecret(`${this.model}:${id}`);
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const key = this.key(id);
      const row = {
        payload: vault.seal(JSON.stringify(payload), `sandbox/${key}`),
        grant_id: payload.grantId ?? null,
        uid_hash: payload.uid ? hashSecret(`${this.model}:uid:${payload.uid}`) : null,
        user_code_hash: payload.userCode ? hashSecret(`${this.model}:code:${payload.userCode}`) : null,
        expires_at: expiresIn ? now() + expiresIn * 1000 : null,
      };
      await db
        .insertInto('sandbox_records')
        .values({ key, model: this.model, ...row })
        .onConflict((conflict) => conflict.column('key').doUpdateSet(row))
        .execute();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return this.read('key', this.key(id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.read('uid_hash', hashSecret(`${this.model}:uid:${uid}`));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.read('user_code_hash', hashSecret(`${this.model}:code:${userCode}`));
    }

    async consume(id: string): Promise<void> {
      const key = this.key(id);
      const payload = await this.read('key', key);
      if (!payload) return;
      const consumed = { ...payload, consumed: Math.floor(now() / 1000) };
      await db
        .updateTable('sandbox_records')
        .set({ payload: vault.seal(JSON.stringify(consumed), `sandbox/${key}`) })
        .where('key', '=', key)
        .execute();
    }

    async destroy(id: string): Promise<void> {
      await db.deleteFrom('sandbox_records').where('key', '=', this.key(id)).execute();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.deleteFrom('sandbox_records').where('grant_id', '=', grantId).execute();
    }

    private async read(
      column: 'key' | 'uid_hash' | 'user_code_hash',
      value: string,
    ): Promise<AdapterPayload | undefined> {
      const row = await db
        .selectFrom('sandbox_records')
        .select(['key', 'payload', 'expires_at'])
        .where(column, '=', value)
        .where('model', '=', this.model)
        .executeTakeFirst();
      if (!row) return undefined;
      if (row.expires_at !== null && row.expires_at <= now()) {
        await db.deleteFrom('sandbox_records').where('key', '=', row.key).execute();
        return undefined;
      }
      return JSON.parse(vault.open(row.payload, `sandbox/${row.key}`)) as AdapterPayload;
    }
  };
}
