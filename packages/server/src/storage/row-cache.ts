import type { ChangeMark } from './sqlite-statements.js';

/**
 * Values derived from database rows, kept only while the database has not changed since they were
 * read. Every `get` takes the storage's change mark; when it has moved (a key revoked, a connector
 * removed or re-authorized, by this process or any other) every entry is dropped at once. Entries
 * also expire after `ttlMs`, so decrypted secrets do not linger. Without a change mark (PostgreSQL)
 * nothing is cached.
 */
export class RowCache<V> {
  private readonly entries = new Map<string, { value: V; storedAt: number }>();
  private entriesMark: string | undefined;

  constructor(
    private readonly changeMark: ChangeMark | undefined,
    private readonly options: { ttlMs: number; capacity: number; now: () => number },
  ) {}

  get(key: string): V | undefined {
    const mark = this.changeMark?.read();
    if (mark !== this.entriesMark) {
      this.entries.clear();
      this.entriesMark = mark;
      return undefined;
    }
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.options.now() - entry.storedAt >= this.options.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** The mark `store` needs, taken before reading the rows: a write during the read then makes the entry miss. */
  mark(): string | undefined {
    return this.changeMark?.read();
  }

  store(key: string, value: V, markBeforeRead: string | undefined): void {
    if (markBeforeRead === undefined || markBeforeRead !== this.entriesMark) return;
    if (this.entries.size >= this.options.capacity && !this.entries.has(key)) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { value, storedAt: this.options.now() });
  }
}
