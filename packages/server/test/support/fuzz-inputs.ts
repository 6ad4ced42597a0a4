import fc from 'fast-check';
import { anyText } from './fuzz.js';

// Random parts of HTTP requests for the route fuzzer (fuzz-requests.ts): parameters, query strings,
// headers, credentials and bodies, each from real values, near misses, odd text and huge values.

/** What a fuzzed request may carry to get past the gates: real ids and credentials of one app's world. */
export interface FuzzWorld {
  appId: string;
  /** An app the callers are not members of. */
  otherAppId: string;
  workspaceKey: string;
  outsiderKey: string;
  serviceKey: string;
  accessToken: string;
  /** A connected connector's type, so token reads reach the vault. */
  connectedType: string;
  /** A dashboard session's cookies and the CSRF token of its forms. */
  sessionCookie: string;
  csrfToken: string;
}

/** A request before it is put together: encoded path parameters (and what `*` stands for), a query string, headers, a body. */
type Headers = Record<string, string | string[]>;

export interface RequestParts {
  params: string[];
  rest: string;
  query: string;
  headers: Headers;
  body: Payload;
}

export interface Payload {
  contentType: string | undefined;
  payload: string | Buffer | undefined;
}

/** Header values as HTTP lets them through: visible ASCII, space, tab and bytes 0x80–0xFF. */
export const headerText = (maxLength = 60) =>
  fc.string({
    unit: fc.oneof(
      { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 8 },
      { arbitrary: fc.constantFrom(' ', '\t'), weight: 1 },
      { arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((code) => String.fromCharCode(code)), weight: 1 },
    ),
    maxLength,
  });

/** Percent-encodes the UTF-8 of any string (lone surrogates become U+FFFD, as a client would send). */
export function percentEncoded(text: string): string {
  const wellFormed = text.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
  return encodeURIComponent(wellFormed);
}

const malformedEscapes = fc.constantFrom(
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  '%00',
  '%2e%2e%2f',
  '%FF',
);

/** One byte more than the server reads. */
const OVER_BODY_LIMIT = 'x'.repeat(1024 * 1024 + 1);

/** Long runs of one letter: past every length limit the server sets. */
export const huge = fc.integer({ min: 1000, max: 120_000 }).map((length) => 'a'.repeat(length));

/** A path parameter: real ids, well-formed strangers, path-like and odd text, raw malformed escapes. */
export function pathParameter(name: string, world: FuzzWorld): fc.Arbitrary<string> {
  const real =
    name === 'appId'
      ? fc.constantFrom(world.appId, world.appId, world.otherAppId)
      : name === 'type'
        ? fc.constantFrom(world.connectedType, 'slack', 'notion', 'nosuchprovider')
        : fc.stringMatching(/^[0-9a-f]{32}$/);
  return fc
    .oneof(
      { arbitrary: real, weight: 6 },
      { arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/), weight: 1 },
      {
        arbitrary: fc.oneof(
          fc.constantFrom('..', '.', '../x', 'a/b', 'CON', ' ', '__proto__'),
          anyText(20),
          huge,
        ),
        weight: 2,
      },
    )
    .map(percentEncoded);
}

const QUERY_KEYS = [
  'integration_type',
  'connection_id',
  'wait',
  'user_code',
  'code',
  'state',
  'error',
  'error_description',
  'iss',
  'app',
  'removed',
  'revoked',
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  '__proto__',
];

export const anyQuery: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constant(''), weight: 2 },
  {
    arbitrary: fc
      .array(
        fc.tuple(
          fc.oneof(fc.constantFrom(...QUERY_KEYS), anyText(8)),
          fc.oneof(
            fc.constantFrom('slack', '0', '1', '30', '31', '-1', '1e9', 'NaN', 'approve'),
            fc.stringMatching(/^[0-9a-f]{32}$/),
            anyText(30),
            huge,
          ),
        ),
        { maxLength: 4 },
      )
      .map((pairs) =>
        pairs.map(([key, value]) => `${percentEncoded(key)}=${percentEncoded(value)}`).join('&'),
      ),
    weight: 6,
  },
  {
    arbitrary: fc
      .array(fc.oneof(malformedEscapes, headerText(10)), { maxLength: 4 })
      .map((parts) => parts.join('&')),
    weight: 2,
  },
);

/** Who the request claims to be: nobody, each real kind of credential, or something malformed. */
export function anyCredentials(world: FuzzWorld): fc.Arbitrary<Headers> {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  return fc.oneof<fc.Arbitrary<Headers>[]>(
    fc.constant({}),
    fc.constant({ api_key: world.workspaceKey }),
    fc.constant(bearer(world.accessToken)),
    fc.constant(bearer(world.workspaceKey)),
    fc.constant({ api_key: world.outsiderKey }),
    fc.constantFrom(world.appId, world.otherAppId, '', 'x'.repeat(300)).map((appId) => ({
      ...bearer(world.serviceKey),
      'x-app-id': appId,
    })),
    fc.constant({ cookie: world.sessionCookie }),
    fc.oneof<fc.Arbitrary<Headers>[]>(
      headerText().map((value) => ({ authorization: value })),
      headerText().map((value) => ({ authorization: `Bearer ${value}` })),
      headerText().map((value) => ({ api_key: value })),
      fc.constantFrom<Headers[]>(
        { authorization: 'Bearer' },
        { authorization: 'Basic Zm9vOmJhcg==' },
        { authorization: 'bearer b44k_x_y' },
        { authorization: 'Bearer b44s_' },
        { authorization: 'Bearer a.b.c' },
        { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
        { api_key: 'b44k_' },
        { api_key: '  ' },
        { api_key: [world.workspaceKey, world.outsiderKey] },
        { 'x-app-id': [world.appId, world.otherAppId] },
        { cookie: 'b44_session=%; b44_csrf=\u00ff' },
      ),
      huge.map((value) => ({ authorization: `Bearer ${value}` })),
      huge.map((value) => ({ api_key: value })),
    ),
  );
}

const BODY_KEYS = [
  'client_id',
  'scope',
  'grant_type',
  'device_code',
  'refresh_token',
  'email',
  'password',
  'user_code',
  'decision',
  '_csrf',
  'app',
  'scopes',
  'connectors',
  'prune',
  'expected_revision',
  '__proto__',
  'constructor',
];

function fieldValue(world: FuzzWorld): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(
      'base44_cli',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
      'approve',
      'deny',
      'owner@example.com',
      world.csrfToken,
      world.appId,
    ),
    fc.jsonValue({ maxDepth: 2 }),
    anyText(30),
  );
}

/** Push bodies near the real shape, with any part of the wrong kind. */
function pushBody(): fc.Arbitrary<unknown> {
  const scopes = fc.oneof(
    fc.array(fc.oneof(fc.constantFrom('read', 'chat:write'), anyText(10)), { maxLength: 4 }),
    fc.jsonValue({ maxDepth: 1 }),
  );
  const connector = fc.record(
    {
      type: fc.oneof(
        fc.constantFrom('slack', 'notion', 'github'),
        anyText(10),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      scopes,
    },
    { requiredKeys: [] },
  );
  return fc.record(
    {
      connectors: fc.oneof(fc.array(connector, { maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })),
      prune: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 0 })),
      expected_revision: fc.oneof(fc.nat(5), fc.jsonValue({ maxDepth: 0 }), fc.constantFrom(-1, 1.5, 1e308)),
      scopes,
    },
    { requiredKeys: [] },
  );
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=',
  'application/x-www-form-urlencoded; charset=latin1',
];

/**
 * A field value as a form would carry it. `String(value)` throws on objects whose `toString` is
 * not a function (or that have no prototype), which fast-check generates: JSON text then.
 */
function formText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return JSON.stringify(value) ?? '';
  }
}

export function anyBody(world: FuzzWorld): fc.Arbitrary<Payload> {
  const json = fc.oneof(
    pushBody(),
    fc.dictionary(fc.oneof(fc.constantFrom(...BODY_KEYS), anyText(6)), fieldValue(world), { maxKeys: 5 }),
    fc.jsonValue(),
  );
  const form = fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...BODY_KEYS), anyText(6)), fieldValue(world)), { maxLength: 5 })
    .map((pairs) =>
      pairs.map(([key, value]) => `${percentEncoded(key)}=${percentEncoded(formText(value))}`).join('&'),
    );
  const contentType = fc.option(fc.oneof(fc.constantFrom(...CONTENT_TYPES), headerText(40)), {
    nil: undefined,
    freq: 10,
  });
  const raw: fc.Arbitrary<string | Buffer> = fc.oneof(
    anyText(200),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    fc.integer({ min: 1, max: 100_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
    fc.integer({ min: 1, max: 100_000 }).map((depth) => '{"a":'.repeat(depth)),
    fc.constantFrom(
      '',
      'null',
      '{',
      '{"__proto__": {"x": 1}}',
      '{"constructor": {"prototype": {}}}',
      '%',
      '=&=&',
    ),
    fc.constant(OVER_BODY_LIMIT),
  );
  return fc.oneof(
    {
      arbitrary: json.map((value) => ({ contentType: 'application/json', payload: JSON.stringify(value) })),
      weight: 5,
    },
    {
      arbitrary: form.map((payload) => ({ contentType: 'application/x-www-form-urlencoded', payload })),
      weight: 3,
    },
    { arbitrary: fc.record({ contentType, payload: raw }), weight: 3 },
    { arbitrary: fc.constant({ contentType: undefined, payload: undefined }), weight: 1 },
  );
}

/** A request to a route of this method and URL, every part of it random. */
export function randomParts(method: string, url: string, world: FuzzWorld): fc.Arbitrary<RequestParts> {
  const names = [...url.matchAll(/:(\w+)/g)].map((match) => match[1]!);
  const withBody = !['GET', 'HEAD'].includes(method);
  return fc
    .record({
      params: fc.tuple(...names.map((name) => pathParameter(name, world))),
      rest: fc
        .array(fc.oneof(fc.constantFrom('token', 'auth', 'interaction', '.well-known'), anyText(8)), {
          maxLength: 3,
        })
        .map((segments) => segments.map(percentEncoded).join('/')),
      query: anyQuery,
      credentials: anyCredentials(world),
      extra: fc.dictionary(
        fc.constantFrom(
          'x-request-id',
          'accept',
          'origin',
          'x-forwarded-for',
          'accept-encoding',
          'x-pad',
          'cookie',
        ),
        fc.oneof(headerText(), huge),
        { maxKeys: 3 },
      ),
      body: withBody ? anyBody(world) : fc.constant({ contentType: undefined, payload: undefined }),
    })
    .map(({ credentials, extra, ...parts }) => ({ ...parts, headers: { ...extra, ...credentials } }));
}
