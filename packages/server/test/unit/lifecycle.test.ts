import { describe, expect, it } from 'vitest';
import {
  attemptStatus,
  grantCovers,
  InvalidTransition,
  listedStatus,
  nextConnectorState,
} from '../../src/connectors/lifecycle.js';

describe('the connector lifecycle', () => {
  it('starts pending and becomes active when authorized', () => {
    expect(nextConnectorState(undefined, 'consent_requested')).toBe('pending');
    expect(nextConnectorState('pending', 'authorized')).toBe('active');
  });

  it('keeps an active connector active while a re-consent is pending', () => {
    expect(nextConnectorState('active', 'consent_requested')).toBe('active');
  });

  it('expires on a refused refresh or a lapsed token, and an expired one comes back by authorizing', () => {
    expect(nextConnectorState('active', 'refresh_rejected')).toBe('expired');
    expect(nextConnectorState('active', 'token_lapsed')).toBe('expired');
    expect(nextConnectorState('expired', 'authorized')).toBe('active');
  });

  it('refuses changes that make no sense', () => {
    expect(() => nextConnectorState('pending', 'refresh_rejected')).toThrow(InvalidTransition);
    expect(() => nextConnectorState(undefined, 'authorized')).toThrow('cannot be authorized');
  });

  it('lists a never-completed connector as disconnected, and a lapsed one without refresh token as expired', () => {
    const base = { expires_at: null, refresh_token: null };
    expect(listedStatus({ ...base, state: 'pending' }, 0)).toBe('disconnected');
    expect(listedStatus({ state: 'active', expires_at: 10, refresh_token: null }, 20)).toBe('expired');
    expect(listedStatus({ state: 'active', expires_at: 10, refresh_token: 'sealed' }, 20)).toBe('active');
  });

  it('fails a pending attempt once its ten minutes are over', () => {
    expect(attemptStatus({ status: 'PENDING', expiresAt: 100 }, 99)).toBe('PENDING');
    expect(attemptStatus({ status: 'PENDING', expiresAt: 100 }, 100)).toBe('FAILED');
    expect(attemptStatus({ status: 'ACTIVE', expiresAt: 100 }, 500)).toBe('ACTIVE');
  });

  it('needs no new consent for scopes the grant already covers', () => {
    expect(grantCovers(['a', 'b'], ['b'])).toBe(true);
    expect(grantCovers(['a'], ['a', 'b'])).toBe(false);
    expect(grantCovers(null, [])).toBe(false);
  });
});
