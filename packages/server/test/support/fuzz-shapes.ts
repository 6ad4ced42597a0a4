import fc from 'fast-check';
import { PASSWORD } from './accounts.js';
import { anyText } from './fuzz.js';
import { type FuzzWorld, huge, type Payload, percentEncoded, type RequestParts } from './fuzz-inputs.js';

// Requests shaped like the real ones, route by route (the right credentials, the fields each form or
// JSON body has, a CSRF token where one is checked), with some fields replaced by odd values or
// left out: random bytes rarely get past the gates, these reach the handlers and the database.

const ABSENT = Symbol('absent');

/** What a field may become instead of a valid value: odd text (NUL, bidi marks, lone surrogates…), any JSON, huge. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: anyText(30), weight: 4 },
  {
    arbitrary: fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\ud800', '../x', 'null', '0', '-1', '1e400'),
    weight: 3,
  },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 2 },
  { arbitrary: huge, weight: 1 },
);

/** Mostly the valid value, sometimes an odd one, sometimes no field at all. */
const field = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { arbitrary: valid, weight: 4 },
    { arbitrary: oddValue, weight: 2 },
    { arbitrary: fc.constant(ABSENT), weight: 1 },
  );

type Fields = Record<string, fc.Arbitrary<unknown>>;

interface Shape {
  credentials: 'none' | 'member' | 'service' | 'login' | 'session';
  json?: Fields;
  form?: Fields;
  query?: Fields;
}

const connectors = fc.array(
  fc.record({
    type: field(fc.constantFrom('slack', 'notion', 'github', 'nosuchprovider')),
    scopes: field(fc.array(field(fc.constantFrom('read', 'chat:write', 'a b')), { maxLength: 3 })),
  }),
  { maxLength: 3 },
);

function shapeOf(method: string, url: string, world: FuzzWorld): Shape {
  const csrf = { _csrf: fc.constant(world.csrfToken) };
  const userCode = fc.constantFrom('BCDF-GHJK', 'bcdfghjk', 'XXXX');
  switch (`${method} ${url}`) {
    case 'POST /oauth/device/code':
      return {
        credentials: 'none',
        json: { client_id: fc.constant('base44_cli'), scope: fc.constant('apps:read') },
      };
    case 'POST /oauth/token':
      return {
        credentials: 'none',
        form: {
          grant_type: fc.constantFrom('refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'),
          device_code: fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
          refresh_token: fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
          client_id: fc.constant('base44_cli'),
        },
      };
    case 'GET /oauth/userinfo':
      return { credentials: 'login' };
    case 'GET /oauth/callback':
      return {
        credentials: 'none',
        query: {
          state: anyText(43),
          code: anyText(43),
          iss: fc.webUrl(),
          error: fc.constant('access_denied'),
        },
      };
    case 'GET /device':
      return { credentials: 'session', query: { user_code: userCode } };
    case 'POST /device/sign-in':
      return {
        credentials: 'session',
        form: {
          ...csrf,
          email: fc.constant('owner@example.com'),
          password: fc.constant(PASSWORD),
          user_code: userCode,
        },
      };
    case 'POST /device/decision':
      return {
        credentials: 'session',
        form: { ...csrf, user_code: userCode, decision: fc.constantFrom('approve', 'deny') },
      };
    case 'GET /dashboard/sign-in':
      return { credentials: 'session', query: { app: fc.constant(world.appId) } };
    case 'POST /dashboard/sign-in':
      return {
        credentials: 'session',
        form: {
          ...csrf,
          email: fc.constant('owner@example.com'),
          password: fc.constant(PASSWORD),
          app: fc.constant(world.appId),
        },
      };
    case 'GET /dashboard/apps/:appId':
      return {
        credentials: 'session',
        query: { removed: fc.constant('slack'), revoked: fc.constantFrom('0', '1') },
      };
    case 'POST /api/apps/:appId/external-auth/plan':
      return { credentials: 'member', json: { connectors, prune: fc.boolean() } };
    case 'POST /api/apps/:appId/external-auth/apply':
      return {
        credentials: 'member',
        json: { connectors, prune: fc.boolean(), expected_revision: fc.nat(4) },
      };
    case 'PUT /api/apps/:appId/external-auth/integrations/:type':
      return {
        credentials: 'member',
        json: { scopes: fc.array(field(fc.constantFrom('read', 'write')), { maxLength: 3 }) },
      };
    case 'GET /api/apps/:appId/external-auth/status':
      return {
        credentials: 'member',
        query: {
          integration_type: fc.constant('slack'),
          connection_id: fc.stringMatching(/^[0-9a-f]{32}$/),
          wait: fc.constantFrom('0', '1'),
        },
      };
    case 'GET /api/apps/:appId/external-auth/tokens/:type':
      return { credentials: 'service' };
  }
  if (method === 'POST' && (url.startsWith('/dashboard') || url.startsWith('/device'))) {
    return { credentials: 'session', form: csrf };
  }
  if (url.startsWith('/dashboard')) return { credentials: 'session' };
  return { credentials: url.startsWith('/api/') ? 'member' : 'none' };
}

/** The fields' values, without the ones left out. */
function present(fields: Fields | undefined): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(fields ?? {}).map(([key, valid]) =>
    field(valid).map((value) => [key, value] as const),
  );
  return fc
    .tuple(...entries)
    .map((pairs) =>
      Object.fromEntries(
        pairs.filter(([, value]) => value !== ABSENT).map(([key, value]) => [key, dropAbsent(value)]),
      ),
    );
}

function dropAbsent(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== ABSENT).map(dropAbsent);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== ABSENT)
        .map(([k, v]) => [k, dropAbsent(v)]),
    );
  }
  return value;
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function encodeForm(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${percentEncoded(key)}=${percentEncoded(asText(value))}`)
    .join('&');
}

function credentialHeaders(kind: Shape['credentials'], world: FuzzWorld): Record<string, string> {
  switch (kind) {
    case 'member':
      return { api_key: world.workspaceKey };
    case 'service':
      return { authorization: `Bearer ${world.serviceKey}`, 'x-app-id': world.appId };
    case 'login':
      return { authorization: `Bearer ${world.accessToken}` };
    case 'session':
      return { cookie: world.sessionCookie };
    case 'none':
      return {};
  }
}

/** A request to `route` shaped like a real one, with odd values in some of its fields. */
export function shapedParts(method: string, url: string, world: FuzzWorld): fc.Arbitrary<RequestParts> {
  const shape = shapeOf(method, url, world);
  const names = [...url.matchAll(/:(\w+)/g)].map((match) => match[1]!);
  const param = (name: string) =>
    (name === 'appId'
      ? fc.constant(world.appId)
      : name === 'type'
        ? fc.constantFrom(world.connectedType, 'notion')
        : fc.stringMatching(/^[0-9a-f]{32}$/)
    ).map(percentEncoded);
  const body: fc.Arbitrary<Payload> = shape.json
    ? present(shape.json).map((value) => ({
        contentType: 'application/json',
        payload: JSON.stringify(value),
      }))
    : shape.form
      ? present(shape.form).map((value) => ({
          contentType: 'application/x-www-form-urlencoded',
          payload: encodeForm(value),
        }))
      : fc.constant({ contentType: undefined, payload: undefined });
  return fc.record({
    params: fc.tuple(...names.map(param)),
    rest: fc.constantFrom('', '.well-known/openid-configuration', 'jwks'),
    query: present(shape.query).map(encodeForm),
    headers: fc.constant(credentialHeaders(shape.credentials, world)),
    body,
  });
}
