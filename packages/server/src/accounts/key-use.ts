import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';

const HOUR_MS = 60 * 60 * 1000;

/**
 * Records when each API key was last presented, for `keys list`. To the hour: a write on every
 * request would put one on the token API's path and, on SQLite, drop every cached row each time.
 * The write is not awaited; a failed one is reported and tried again with the key's next use.
 */
export class KeyUseRecorder {
  private readonly writtenAt = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number,
    private readonly reportFailure: (error: unknown) => void,
  ) {}

  record(keyId: string): void {
    const now = this.now();
    const written = this.writtenAt.get(keyId);
    if (written !== undefined && now - written < HOUR_MS) return;
    this.writtenAt.set(keyId, now);
    this.db
      .updateTable('api_keys')
      .set({ last_used_at: now })
      .where('id', '=', keyId)
      .execute()
      .catch((error: unknown) => {
        this.writtenAt.delete(keyId);
        this.reportFailure(error);
      });
  }
}
