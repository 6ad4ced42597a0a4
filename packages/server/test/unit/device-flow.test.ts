import { describe, expect, it } from 'vitest';
import { decidePoll } from '../../src/auth/device-flow.js';

const NOW = 1_000_000;
const pending = {
  status: 'pending' as const,
  user_id: null,
  scope: 'apps:read',
  expires_at: NOW + 600_000,
  last_polled_at: null,
  interval_seconds: 5,
};

describe('deciding a device-code poll', () => {
  it('waits while the code is pending', () => {
    expect(decidePoll(pending, NOW)).toEqual({ kind: 'wait', error: 'authorization_pending' });
  });

  it('asks to slow down when the poll comes well before the interval has passed', () => {
    expect(decidePoll({ ...pending, last_polled_at: NOW - 1000 }, NOW)).toEqual({
      kind: 'wait',
      error: 'slow_down',
    });
  });

  it('forgives a poll that is a little early, as network jitter makes them', () => {
    expect(decidePoll({ ...pending, last_polled_at: NOW - 4500 }, NOW)).toEqual({
      kind: 'wait',
      error: 'authorization_pending',
    });
  });

  it('issues for the approving user once approved', () => {
    expect(decidePoll({ ...pending, status: 'approved', user_id: 'u1' }, NOW)).toEqual({
      kind: 'issue',
      userId: 'u1',
      scope: 'apps:read',
    });
  });

  it('refuses a denied, a used and an expired code, expiry first', () => {
    expect(decidePoll({ ...pending, status: 'denied' }, NOW)).toMatchObject({ error: 'access_denied' });
    expect(decidePoll({ ...pending, status: 'consumed' }, NOW)).toMatchObject({ error: 'invalid_grant' });
    expect(decidePoll({ ...pending, status: 'approved', user_id: 'u1' }, pending.expires_at)).toMatchObject({
      error: 'expired_token',
    });
  });
});
