import type { Kysely } from 'kysely';
import { tokenContext } from '../connectors/store.js';
import type { Database } from '../storage/schema.js';
import type { Vault } from './vault.js';

/**
 * Seals every stored secret again with the vault's current key, in one transaction: afterwards no
 * record needs an older key. Returns how many values were re-sealed.
 */
export async function resealAll(db: Kysely<Database>, vault: Vault): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let count = 0;
    const rows = await trx
      .selectFrom('connectors')
      .select(['app_id', 'type', 'access_token', 'refresh_token'])
      .execute();
    for (const row of rows) {
      const update: { access_token?: string; refresh_token?: string } = {};
      for (const field of ['access_token', 'refresh_token'] as const) {
        const sealed = row[field];
        if (sealed === null || !vault.isStale(sealed)) continue;
        const context = tokenContext(row.app_id, row.type, field);
        update[field] = vault.seal(vault.open(sealed, context), context);
        count++;
      }
      if (Object.keys(update).length > 0) {
        await trx
          .updateTable('connectors')
          .set(update)
          .where('app_id', '=', row.app_id)
          .where('type', '=', row.type)
          .execute();
      }
    }
    const records = await trx.selectFrom('sandbox_records').select(['key', 'payload']).execute();
    for (const record of records) {
      if (!vault.isStale(record.payload)) continue;
      const context = `sandbox/${record.key}`;
      await trx
        .updateTable('sandbox_records')
        .set({ payload: vault.seal(vault.open(record.payload, context), context) })
        .where('key', '=', record.key)
        .execute();
      count++;
    }
    // Code verifiers live ten minutes; a pending attempt sealed with an old key is simply failed.
    await trx
      .updateTable('connection_attempts')
      .set({
        status: 'FAILED',
        failure_reason: 'The encryption key was rotated; start the authorization again',
        code_verifier: null,
        state_hash: null,
      })
      .where('status', '=', 'PENDING')
      .where('code_verifier', 'is not', null)
      .execute();
    return count;
  });
}
