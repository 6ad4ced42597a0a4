import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { sendJson } from './http.js';

/** Path of the sandbox API route, relative to the mount path. */
export const WHOAMI_PATH = '/api/whoami';

export interface Whoami {
  email: string;
  scopes: string[];
  client_id: string;
}

const BEARER = /^Bearer +([\w.~+/-]+=*) *$/i;

const INVALID_TOKEN = {
  error: 'invalid_token',
  error_description: 'the access token is missing, unknown, expired or revoked',
};

/**
 * `GET {issuer}/api/whoami` with `Authorization: Bearer <access token>`: the account (its email), the
 * granted scopes and the client of a live access token, whether or not it was granted `openid`.
 */
export async function whoami(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJson(res, 405, { error: 'invalid_request', error_description: 'use GET' }, { Allow: 'GET, HEAD' });
    return;
  }
  const value = BEARER.exec(req.headers.authorization ?? '')?.[1];
  const token = value === undefined ? undefined : await provider.AccessToken.find(value);
  if (!token?.accountId || !token.clientId) {
    sendJson(res, 401, INVALID_TOKEN, {
      'WWW-Authenticate': 'Bearer realm="sandbox", error="invalid_token"',
    });
    return;
  }
  const body: Whoami = {
    email: token.accountId,
    scopes: (token.scope ?? '').split(' ').filter(Boolean),
    client_id: token.clientId,
  };
  sendJson(res, 200, body);
}
