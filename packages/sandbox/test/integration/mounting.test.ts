import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../support/sandbox.js';

describe('a sandbox whose issuer is https, reached over plain HTTP as behind a TLS-terminating proxy', () => {
  let running: RunningSandbox;
  beforeAll(async () => {
    running = await startSandbox({}, (origin) => `${origin.replace('http:', 'https:')}/sandbox`);
  });
  afterAll(() => running.close());

  it("writes its URLs with the issuer's scheme and the request's host, whatever X-Forwarded-* say", async () => {
    const response = await fetch(`${running.origin}/sandbox/.well-known/openid-configuration`, {
      headers: { 'X-Forwarded-Proto': 'http', 'X-Forwarded-Host': 'attacker.example' },
    });
    const metadata = (await response.json()) as Record<string, unknown>;

    expect(metadata.issuer).toBe(running.issuer);
    expect(metadata.authorization_endpoint).toBe(`${running.issuer}/auth`);
    expect(metadata.token_endpoint).toBe(`${running.issuer}/token`);
  });

  it('sends the browser to its interaction pages under the mount path', async () => {
    const url = new URL(running.sandbox.endpoints.authorization.replace('https:', 'http:'));
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: running.client.clientId,
      redirect_uri: running.redirectUri,
      scope: 'chat:write',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();

    const response = await fetch(url, { redirect: 'manual' });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/sandbox\/interaction\/[\w-]+$/);
  });
});
