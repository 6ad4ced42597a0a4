import type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';

/** Models whose records belong to a grant, so revoking the grant removes them. */
const GRANT_BOUND = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

/** Expired records are swept after this many writes (they are also dropped whenever they are read). */
const SWEEP_EVERY = 500;

interface Entry {
  payload: AdapterPayload;
  expiresAt: number | undefined;
}

/**
 * An in-memory oidc-provider adapter whose storage belongs to one provider (oidc-provider's own keeps one
 * store per process and warns on every start). A record is gone the moment its lifetime ends.
 */
export function createMemoryAdapter(now: () => number = Date.now): AdapterConstructor {
  const entries = new Map<string, Entry>();
  const keysByGrant = new Map<string, Set<string>>();
  const keyByUid = new Map<string, string>();
  const keyByUserCode = new Map<string, string>();
  let writes = 0;

  const read = (key: string | undefined): AdapterPayload | undefined => {
    const entry = key === undefined ? undefined : entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= now()) {
      entries.delete(key!);
      return undefined;
    }
    return entry.payload;
  };

  const sweep = () => {
    for (const key of entries.keys()) read(key);
    for (const [grantId, keys] of keysByGrant) {
      for (const key of keys) if (!entries.has(key)) keys.delete(key);
      if (keys.size === 0) keysByGrant.delete(grantId);
    }
    for (const index of [keyByUid, keyByUserCode]) {
      for (const [value, key] of index) if (!entries.has(key)) index.delete(value);
    }
  };

  return class MemoryAdapter implements Adapter {
    readonly #model: string;

    constructor(model: string) {
      this.#model = model;
    }

    #key(id: string): string {
      return `${this.#model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const key = this.#key(id);
      entries.set(key, { payload, expiresAt: expiresIn ? now() + expiresIn * 1000 : undefined });
      if (payload.grantId && GRANT_BOUND.has(this.#model)) {
        const keys = keysByGrant.get(payload.grantId) ?? new Set<string>();
        keys.add(key);
        keysByGrant.set(payload.grantId, keys);
      }
      if (this.#model === 'Session' && payload.uid) keyByUid.set(payload.uid, key);
      if (payload.userCode) keyByUserCode.set(payload.userCode, key);
      writes += 1;
      if (writes % SWEEP_EVERY === 0) sweep();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return read(this.#key(id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return read(keyByUid.get(uid));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return read(keyByUserCode.get(userCode));
    }

    async consume(id: string): Promise<void> {
      const payload = read(this.#key(id));
      if (payload) payload.consumed = Math.floor(now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      entries.delete(this.#key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of keysByGrant.get(grantId) ?? []) entries.delete(key);
      keysByGrant.delete(grantId);
    }
  };
}
