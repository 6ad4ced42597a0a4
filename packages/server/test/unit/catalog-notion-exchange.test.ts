import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderEntry } from '@base44-connectors/contract';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { findProvider } from '../../src/broker/catalog/index.js';
import { protocolParts } from '../../src/broker/provider.js';
import { readTokenResponse, type TokenSet } from '../../src/broker/token-response.js';
import { providerResponse } from '../fixtures/providers/load.js';

// The Notion entry's JSON token request, run for real: oauth4webapi against a loopback server.

const REDIRECT_URI = 'https://base44.example/oauth/callback';

describe('the Notion catalog entry, through protocolParts', () => {
  it('posts the code exchange as JSON with HTTP Basic credentials, as protocolParts describes it', async () => {
    const recorded = await exchangeNotionCodeAgainstLoopback();
    expect(recorded.method).toBe('POST');
    expect(recorded.path).toBe('/v1/oauth/token');
    // Plain base64 of id:secret: Notion's UUID client ids must not travel form-encoded (- as %2D).
    expect(recorded.headers.authorization).toBe(
      `Basic ${Buffer.from('test-client:test-secret').toString('base64')}`,
    );
    expect(basicCredentials(recorded.headers.authorization)).toEqual(['test-client', 'test-secret']);
    expect(recorded.headers['content-type']).toBe('application/json');
    expect(JSON.parse(recorded.body)).toEqual({
      grant_type: 'authorization_code',
      code: 'fake-notion-code',
      redirect_uri: REDIRECT_URI,
    });
    expect(recorded.tokens.email).toBe('ada@example.com');
  });
});

/** The client id and secret of a Basic Authorization header, form-decoded. */
function basicCredentials(header: string | undefined): string[] {
  const encoded = header?.replace(/^Basic /, '') ?? '';
  return Buffer.from(encoded, 'base64')
    .toString('utf8')
    .split(':')
    .map((part) => decodeURIComponent(part.replaceAll('+', ' ')));
}

interface RecordedExchange {
  method: string | undefined;
  path: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
  tokens: TokenSet;
}

/**
 * Runs oauth4webapi's code exchange with the Notion entry pointed at a throwaway loopback server
 * (protocolParts allows plain HTTP only when the entry's URLs are loopback), records the request
 * and reads the server's recorded Notion answer back through the entry.
 */
async function exchangeNotionCodeAgainstLoopback(): Promise<RecordedExchange> {
  let recorded: Omit<RecordedExchange, 'tokens'> | undefined;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      recorded = {
        method: request.method,
        path: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(providerResponse('notion-token')));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const notion = findProvider('notion');
    if (!notion) throw new Error('no catalog entry for notion');
    const entry: ProviderEntry = {
      ...notion,
      authorization: { ...notion.authorization, url: `${origin}/v1/oauth/authorize` },
      token: { ...notion.token, url: `${origin}/v1/oauth/token` },
    };
    const { as, client, clientAuth, options } = protocolParts({
      entry,
      clientId: 'test-client',
      clientSecret: 'test-secret',
    });
    const callback = oauth.validateAuthResponse(
      as,
      client,
      new URLSearchParams({ code: 'fake-notion-code', state: 'fake-state' }),
      'fake-state',
    );
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      callback,
      REDIRECT_URI,
      oauth.nopkce,
      options,
    );
    const reading = readTokenResponse(entry, response.status, await response.json());
    if (!reading.ok || !recorded) throw new Error('the loopback exchange did not complete');
    return { ...recorded, tokens: reading.tokens };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
