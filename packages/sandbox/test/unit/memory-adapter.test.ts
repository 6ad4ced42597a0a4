import { describe, expect, it } from 'vitest';
import { createMemoryAdapter } from '../../src/memory-adapter.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (seconds: number) => (now += seconds * 1000) };
}

describe('the in-memory adapter', () => {
  it('forgets a record the moment its lifetime ends', async () => {
    const time = clock();
    const AccessToken = new (createMemoryAdapter(time.now))('AccessToken');
    await AccessToken.upsert('at1', { accountId: 'a' }, 10);

    time.advance(9.999);
    expect(await AccessToken.find('at1')).toEqual({ accountId: 'a' });
    time.advance(0.001);
    expect(await AccessToken.find('at1')).toBeUndefined();
  });

  it('revokes every token of a grant and nothing else', async () => {
    const Adapter = createMemoryAdapter();
    const [access, refresh] = [new Adapter('AccessToken'), new Adapter('RefreshToken')];
    await access.upsert('at1', { grantId: 'g1' }, 60);
    await refresh.upsert('rt1', { grantId: 'g1' }, 60);
    await access.upsert('at2', { grantId: 'g2' }, 60);

    await access.revokeByGrantId('g1');

    expect(await access.find('at1')).toBeUndefined();
    expect(await refresh.find('rt1')).toBeUndefined();
    expect(await access.find('at2')).toEqual({ grantId: 'g2' });
  });

  it('keeps models apart, marks consumed records and finds sessions by uid', async () => {
    const Adapter = createMemoryAdapter();
    const [session, code] = [new Adapter('Session'), new Adapter('AuthorizationCode')];
    await session.upsert('same-id', { uid: 'u1', accountId: 'a' }, 60);
    await code.upsert('same-id', { grantId: 'g' }, 60);

    await code.consume('same-id');

    expect(await session.findByUid('u1')).toEqual({ uid: 'u1', accountId: 'a' });
    expect((await code.find('same-id'))?.consumed).toEqual(expect.any(Number));
    expect((await session.find('same-id'))?.consumed).toBeUndefined();
  });

  it('keeps separate stores for separate providers', async () => {
    const first = new (createMemoryAdapter())('AccessToken');
    const second = new (createMemoryAdapter())('AccessToken');
    await first.upsert('at', { accountId: 'a' }, 60);

    expect(await second.find('at')).toBeUndefined();
  });
});
