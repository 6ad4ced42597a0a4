import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anApp, aUser, aWorkspaceKey } from '../support/accounts.js';
import { createTestServer, type TestServer } from '../support/server.js';

// Request parsing does not touch storage, so SQLite alone covers it.
describe('bad input', () => {
  let server: TestServer;
  let appUrl = '';
  let apiKey = '';
  beforeAll(async () => {
    server = await createTestServer('sqlite');
    const owner = await aUser(server.storage, 'owner@example.com');
    appUrl = `/api/apps/${await anApp(server.storage, owner)}`;
    apiKey = await aWorkspaceKey(server.storage, owner);
  });
  afterAll(() => server.close());

  const send = (options: InjectOptions) => server.app.inject(options);
  const json = (url: string, payload: string, headers: Record<string, string> = {}) =>
    send({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...headers } });

  it('answers malformed JSON on the device-code endpoint with invalid_request', async () => {
    const response = await json('/oauth/device/code', '{"client_id": ');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request' });
    expect(response.json().error_description).toMatch(/not valid JSON/);
  });

  it('names the field that has the wrong type', async () => {
    const response = await json('/oauth/device/code', '{"client_id": 42}');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'client_id must be a string',
    });
  });

  it.each([
    ['no grant_type', { client_id: 'base44_cli' }, 'invalid_request', 'grant_type is required'],
    [
      'an unknown grant_type',
      { client_id: 'base44_cli', grant_type: 'password' },
      'unsupported_grant_type',
      'password',
    ],
    [
      'no device_code',
      { client_id: 'base44_cli', grant_type: 'urn:ietf:params:oauth:grant-type:device_code' },
      'invalid_request',
      'device_code is required',
    ],
    [
      'no refresh_token',
      { client_id: 'base44_cli', grant_type: 'refresh_token' },
      'invalid_request',
      'refresh_token is required',
    ],
    [
      'no client_id',
      { grant_type: 'refresh_token', refresh_token: 'x' },
      'invalid_request',
      'client_id is required',
    ],
  ])('answers a token request with %s in RFC 6749 form', async (_case, fields, error, description) => {
    const response = await send({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields as Record<string, string>).toString(),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe(error);
    expect(response.json().error_description).toContain(description);
  });

  it('refuses an oversized body with a clear 413 before reading it all', async () => {
    const response = await json(
      `${appUrl}/payments/stripe/install`,
      JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }),
      {
        api_key: apiKey,
      },
    );
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ message: 'Request body is too large', code: 'payload_too_large' });
  });

  it('refuses a content type it does not read with 415', async () => {
    const response = await send({
      method: 'POST',
      url: `${appUrl}/payments/stripe/install`,
      payload: '<hello/>',
      headers: { 'content-type': 'application/xml', api_key: apiKey },
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe('unsupported_media_type');
  });

  it('answers malformed JSON on an API route with 400 and says so', async () => {
    const response = await json(`${appUrl}/payments/stripe/install`, '{oops', { api_key: apiKey });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/not valid JSON/);
  });

  it('refuses an app id that is not one with 400, never as a path', async () => {
    const response = await send({
      method: 'GET',
      url: `/api/apps/${encodeURIComponent('../../etc')}/payments/stripe/status`,
      headers: { api_key: apiKey },
    });
    expect(response.statusCode).toBe(400);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const response = await send({ method: 'GET', url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ message: 'No route GET /api/nothing-here', code: 'not_found' });
  });

  it('never answers garbage with a 5xx', async () => {
    const bodies = [
      '',
      'null',
      '[]',
      '"x"',
      '{"client_id":null}',
      '{"client_id":{"$gt":""}}',
      '\u0000',
      '{"a":'.repeat(500),
    ];
    // Every route that reads a body (the Stripe install route answers 501 by design, so it is left out).
    const targets = [
      '/oauth/device/code',
      '/oauth/token',
      '/device/sign-in',
      '/device/decision',
      '/device/sign-out',
    ];
    for (const url of targets) {
      for (const payload of bodies) {
        for (const type of ['application/json', 'application/x-www-form-urlencoded']) {
          const response = await send({
            method: 'POST',
            url,
            payload,
            headers: { 'content-type': type, api_key: apiKey },
          });
          expect(response.statusCode, `${url} ${type} ${JSON.stringify(payload).slice(0, 40)}`).toBeLessThan(
            500,
          );
        }
      }
    }
  });
});

describe('request ids', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer('sqlite');
  });
  afterAll(() => server.close());

  it('echoes the X-Request-ID it was sent', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(response.headers['x-request-id']).toBe('abc-123');
  });

  it('makes one up when there is none, or when the one sent is not fit for a log line', async () => {
    const none = await server.app.inject({ method: 'GET', url: '/health' });
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await server.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'a b"}{' },
    });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts it on error responses too', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/nope',
      headers: { 'x-request-id': 'req-1' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers['x-request-id']).toBe('req-1');
  });
});
