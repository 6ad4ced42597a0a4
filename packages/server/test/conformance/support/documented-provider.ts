import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { registerSecret } from '../../support/secret-scan.js';
import { ORIGINAL_HOST_HEADER } from './provider-network.js';

/** The broker sent something the provider's documentation does not allow. */
export class Violation extends Error {}

/** A request as the provider would see it: the URL with its real host, the body as sent. */
export class ProviderRequest {
  constructor(
    readonly method: string,
    readonly url: URL,
    readonly headers: IncomingHttpHeaders,
    readonly body: string,
  ) {}

  header(name: string): string | undefined {
    const value = this.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** The form body; a violation unless it was sent as `application/x-www-form-urlencoded`. */
  form(): URLSearchParams {
    this.expectContentType('application/x-www-form-urlencoded');
    return new URLSearchParams(this.body);
  }

  /** The JSON object body; a violation unless it was sent as `application/json`. */
  json(): Record<string, unknown> {
    this.expectContentType('application/json');
    const parsed: unknown = JSON.parse(this.body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Violation('the JSON body is not an object');
    return parsed as Record<string, unknown>;
  }

  expectContentType(type: string): void {
    const sent = this.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (sent !== type) throw new Violation(`content-type is ${sent ?? 'missing'}, not ${type}`);
  }

  expectNoBody(): void {
    if (this.body !== '')
      throw new Violation(`a body was sent (${this.body.length} bytes) where none belongs`);
  }

  /** `Authorization: Basic`, decoded as the providers do: base64 of `id:secret`, not form-encoded. */
  basic(): { id: string; secret: string } | null {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(this.header('authorization') ?? '');
    if (!match) return null;
    const decoded = Buffer.from(match[1]!, 'base64').toString();
    const colon = decoded.indexOf(':');
    return colon < 0 ? null : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }

  bearer(): string | null {
    return /^Bearer (\S+)$/.exec(this.header('authorization') ?? '')?.[1] ?? null;
  }

  expectHeader(name: string, value: string | RegExp): void {
    const sent = this.header(name);
    const matches = typeof value === 'string' ? sent === value : sent !== undefined && value.test(sent);
    if (!matches)
      throw new Violation(`header ${name} is ${sent === undefined ? 'missing' : `"${sent}"`}, not ${value}`);
  }
}

/** Checks that `fields` holds exactly the documented names: each required one, nothing unknown. */
export function expectFields(
  fields: URLSearchParams | Record<string, unknown>,
  required: readonly string[],
  optional: readonly string[] = [],
): void {
  const names = fields instanceof URLSearchParams ? [...fields.keys()] : Object.keys(fields);
  const missing = required.filter((name) => !names.includes(name));
  if (missing.length > 0) throw new Violation(`missing ${missing.join(', ')}`);
  const unknown = names.filter((name) => !required.includes(name) && !optional.includes(name));
  if (unknown.length > 0) throw new Violation(`undocumented parameter ${unknown.join(', ')}`);
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0) throw new Violation(`${repeated.join(', ')} sent more than once`);
}

export function fieldOf(fields: URLSearchParams | Record<string, unknown>, name: string): string | undefined {
  const value = fields instanceof URLSearchParams ? fields.get(name) : fields[name];
  return typeof value === 'string' ? value : undefined;
}

export interface ProviderAnswer {
  status?: number;
  json?: unknown;
  headers?: Record<string, string>;
}

/** One grant the person gave: its scopes and the tokens issued for it so far. */
export interface FakeGrant {
  scopes: string[];
  accessToken: string;
  refreshToken: string | null;
  /** How many refreshes it has seen. */
  refreshes: number;
  revoked: boolean;
}

interface PendingCode {
  scopes: string[];
  redirectUri: string;
  challenge: string | null;
  used: boolean;
}

/**
 * What the fake knows: its client, the person, the codes and tokens it issued, what it was told,
 * and every violation of its documentation it saw. Scripts read and change it from their routes.
 */
export class ProviderBooks {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly grants: FakeGrant[] = [];
  readonly violations: string[] = [];
  /** Requests per route name ("token", "userinfo", "revocation" …). */
  readonly calls = new Map<string, number>();
  /** Set by the test: the next code exchange is answered with the documented refusal. */
  refuseNextCode = false;
  private readonly codes = new Map<string, PendingCode>();

  constructor(
    readonly type: string,
    /** The only redirect URI registered for the client: the server's callback. */
    readonly redirectUri: string,
  ) {
    this.clientId = `${type}-client-${randomBytes(4).toString('hex')}`;
    this.clientSecret = `${type}-secret-${randomBytes(16).toString('hex')}`;
    registerSecret(`the client secret of the ${type} fake`, this.clientSecret);
  }

  called(route: string): number {
    return this.calls.get(route) ?? 0;
  }

  newCode(scopes: string[], redirectUri: string, challenge: string | null): string {
    const code = token(`${this.type}-code`);
    this.codes.set(code, { scopes, redirectUri, challenge, used: false });
    return code;
  }

  /**
   * The code's grant, once: checks the redirect URI and the PKCE verifier against what the
   * authorization request carried. Null for an unknown or used code.
   */
  redeemCode(
    code: string | undefined,
    redirectUri: string | undefined,
    verifier: string | undefined,
  ): string[] | null {
    const pending = code ? this.codes.get(code) : undefined;
    if (!pending || pending.used) return null;
    pending.used = true;
    if (redirectUri !== undefined && redirectUri !== pending.redirectUri)
      throw new Violation(`redirect_uri ${redirectUri} differs from the authorization request's`);
    if (pending.challenge !== null) {
      if (!verifier) throw new Violation('code_verifier is missing although a code_challenge was sent');
      if (s256(verifier) !== pending.challenge)
        throw new Violation('code_verifier does not match the code_challenge');
    } else if (verifier !== undefined) {
      throw new Violation('code_verifier sent without a code_challenge');
    }
    return pending.scopes;
  }

  issue(scopes: string[], options: { refreshToken: boolean }): FakeGrant {
    const grant: FakeGrant = {
      scopes,
      accessToken: token(`${this.type}-access`),
      refreshToken: options.refreshToken ? token(`${this.type}-refresh`) : null,
      refreshes: 0,
      revoked: false,
    };
    this.grants.push(grant);
    return grant;
  }

  /** A new access token for the grant, and a new refresh token where the provider rotates them. */
  refresh(grant: FakeGrant, options: { rotate: boolean }): FakeGrant {
    grant.accessToken = token(`${this.type}-access`);
    if (options.rotate) grant.refreshToken = token(`${this.type}-refresh`);
    grant.refreshes++;
    return grant;
  }

  byAccessToken(value: string | null | undefined): FakeGrant | undefined {
    return value ? this.grants.find((grant) => !grant.revoked && grant.accessToken === value) : undefined;
  }

  byRefreshToken(value: string | null | undefined): FakeGrant | undefined {
    return value ? this.grants.find((grant) => !grant.revoked && grant.refreshToken === value) : undefined;
  }

  /** The grant the person holds now (the last consent). */
  current(): FakeGrant {
    const grant = this.grants.at(-1);
    if (!grant) throw new Error(`the ${this.type} fake issued no grant`);
    return grant;
  }

  /**
   * Client authentication exactly as documented: `basic`, `post` (under the id's name), or `either`
   * where the provider takes both (RFC 6749 §2.3.1), judged by whether Basic was sent.
   */
  authenticateClient(
    request: ProviderRequest,
    fields: URLSearchParams | Record<string, unknown>,
    method: 'client_secret_basic' | 'client_secret_post' | 'either',
    clientIdParameter = 'client_id',
  ): void {
    const basic = request.basic();
    const posted = { id: fieldOf(fields, clientIdParameter), secret: fieldOf(fields, 'client_secret') };
    if (method === 'client_secret_basic' || (method === 'either' && basic)) {
      if (!basic) throw new Violation('no HTTP Basic client authentication');
      if (posted.secret !== undefined)
        throw new Violation('client_secret sent in the body as well as in Basic');
      if (basic.id !== this.clientId || basic.secret !== this.clientSecret)
        throw new Violation('HTTP Basic credentials are not the client id and secret');
      return;
    }
    if (basic) throw new Violation('HTTP Basic sent where the credentials belong in the body');
    if (posted.id !== this.clientId || posted.secret !== this.clientSecret)
      throw new Violation(`the body's ${clientIdParameter} and client_secret are not the client's`);
  }
}

export interface ConsentScript {
  /** The documented authorization endpoint, `https://…`. */
  url: string;
  clientIdParameter?: string;
  scopeParameter?: string;
  scopeSeparator: ' ' | ',';
  /** Whether the provider takes PKCE (S256): then it must come; otherwise it must not. */
  pkce: boolean;
  /** Parameters the documentation says must be present with these values (Google's access_type=offline). */
  requiredParameters?: Record<string, string>;
  /** `iss` the provider adds to its redirect back (RFC 9207). */
  iss?: string;
  /** Extra parameters the redirect back carries besides code and state (Notion adds none, others may). */
  callbackExtras?: Record<string, string>;
}

export interface RouteScript {
  /** The name the books count calls under ("token", "userinfo", "revocation"). */
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** `https://host/path`; a `{name}` segment matches one path segment and is handed to `answer`. */
  url: string;
  answer(request: ProviderRequest, books: ProviderBooks, segments: Record<string, string>): ProviderAnswer;
}

/** A local stand-in for one provider, built from its documentation. */
export interface ProviderScript {
  type: string;
  /**
   * Connection settings the person gives on PUT (Salesforce's login host), naming the variant:
   * the test is then `conformance <type> (<name>)`.
   */
  settings?: { name: string; values: Record<string, string> };
  /** Names another life of the same type (a LinkedIn partner app): `conformance <type> (<variant>)`. */
  variant?: string;
  /** The documentation this fake follows: URL and the date it was read, one per line. */
  documentation: readonly string[];
  consent: ConsentScript;
  routes: readonly RouteScript[];
  /** What a correct broker ends up with, for the test to compare with what the server says. */
  expectations: {
    /** The account email the server should show, or null when the provider gives none. */
    email: string | null;
    connectionConfig: (books: ProviderBooks) => Record<string, unknown>;
    /** How long an access token lives, in seconds; null when it never expires (no refresh). */
    accessTokenLifetime: number | null;
    /** The token expires and no refresh token was issued: the connector must be authorized again. */
    lapsesWithoutRefresh?: boolean;
    /** A refresh issues a new refresh token and retires the old one. */
    rotatesRefreshTokens: boolean;
    /** Removing the connector revokes the grant at the provider (the revocation route says it did). */
    revokesOnRemoval: boolean;
  };
}

export interface DocumentedProvider {
  books: ProviderBooks;
  /** Where the fake listens: every routed host ends up here. */
  origin: string;
  /** The host names of its documented URLs, for the network to route. */
  hosts: string[];
  close(): Promise<void>;
}

export async function startDocumentedProvider(
  script: ProviderScript,
  redirectUri: string,
): Promise<DocumentedProvider> {
  const books = new ProviderBooks(script.type, redirectUri);
  const authorizeUrl = new URL(script.consent.url);
  const pendingConsents = new Map<string, URLSearchParams>();

  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const host = String(incoming.headers[ORIGINAL_HOST_HEADER] ?? incoming.headers.host);
      const request = new ProviderRequest(
        incoming.method ?? 'GET',
        new URL(incoming.url ?? '/', `https://${host}`),
        incoming.headers,
        Buffer.concat(chunks).toString(),
      );
      const send = (answer: ProviderAnswer & { html?: string }) => {
        const headers: Record<string, string> = { ...answer.headers };
        let body = '';
        if (answer.html !== undefined) {
          headers['content-type'] = 'text/html; charset=utf-8';
          body = answer.html;
        } else if (answer.json !== undefined) {
          headers['content-type'] ??= 'application/json; charset=utf-8';
          body = JSON.stringify(answer.json);
        }
        response.writeHead(answer.status ?? 200, headers).end(body);
      };
      try {
        if (samePlace(request.url, authorizeUrl)) {
          send(consentStep(script.consent, books, request, pendingConsents));
          return;
        }
        for (const route of script.routes) {
          const segments = matchRoute(route, request);
          if (!segments) continue;
          books.calls.set(route.name, books.called(route.name) + 1);
          send(route.answer(request, books, segments));
          return;
        }
        throw new Violation(
          `no documented endpoint answers ${request.method} ${request.url.origin}${request.url.pathname}`,
        );
      } catch (error) {
        if (!(error instanceof Violation)) throw error;
        books.violations.push(
          `${request.method} ${request.url.origin}${request.url.pathname}: ${error.message}`,
        );
        send({
          status: 400,
          json: { error: 'invalid_request', error_description: `conformance: ${error.message}` },
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const hosts = [
    ...new Set(
      [script.consent.url, ...script.routes.map((route) => route.url)].map(
        (url) => new URL(url.replaceAll(/[{}]/g, '')).hostname,
      ),
    ),
  ];
  return {
    books,
    origin: `http://127.0.0.1:${port}`,
    hosts,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function samePlace(url: URL, documented: URL): boolean {
  return url.host === documented.host && url.pathname === documented.pathname;
}

function matchRoute(route: RouteScript, request: ProviderRequest): Record<string, string> | null {
  if (route.method !== request.method) return null;
  const documented = new URL(route.url.replaceAll('{', '%7B').replaceAll('}', '%7D'));
  if (documented.host !== request.url.host) return null;
  const want = documented.pathname.split('/');
  const got = request.url.pathname.split('/');
  if (want.length !== got.length) return null;
  const segments: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const name = /^%7B(\w+)%7D$/.exec(part)?.[1];
    if (name) segments[name] = decodeURIComponent(got[index]!);
    else if (part !== got[index]) return null;
  }
  return segments;
}

/**
 * The authorization endpoint: GET checks the request against the documentation and shows the
 * consent page; the page's form POSTs back here, and the answer sends the browser to the
 * redirect URI with a code (or access_denied).
 */
function consentStep(
  consent: ConsentScript,
  books: ProviderBooks,
  request: ProviderRequest,
  pending: Map<string, URLSearchParams>,
): ProviderAnswer & { html?: string } {
  if (request.method === 'GET') {
    const query = request.url.searchParams;
    checkAuthorizationRequest(consent, books, query);
    const id = randomBytes(12).toString('hex');
    pending.set(id, query);
    const scopes = (query.get(consent.scopeParameter ?? 'scope') ?? '')
      .split(consent.scopeSeparator)
      .filter(Boolean);
    return {
      html: `<!doctype html><title>Authorize</title><h1>${escapeHtml(request.url.host)}</h1>
<ul>${scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('')}</ul>
<form method="post" action="${escapeHtml(request.url.pathname)}"><input type="hidden" name="consent" value="${id}">
<button name="decision" value="allow">Allow</button><button name="decision" value="deny">Deny</button></form>`,
    };
  }
  const form = request.form();
  const query = pending.get(form.get('consent') ?? '');
  if (!query) throw new Violation('the consent form came back for no pending request');
  pending.delete(form.get('consent')!);
  const back = new URL(query.get('redirect_uri')!);
  const state = query.get('state');
  if (form.get('decision') === 'allow') {
    const scopes = (query.get(consent.scopeParameter ?? 'scope') ?? '')
      .split(consent.scopeSeparator)
      .filter(Boolean);
    back.searchParams.set('code', books.newCode(scopes, back.href, query.get('code_challenge')));
  } else {
    back.searchParams.set('error', 'access_denied');
  }
  if (state !== null) back.searchParams.set('state', state);
  for (const [name, value] of Object.entries(consent.callbackExtras ?? {}))
    back.searchParams.set(name, value);
  if (consent.iss) back.searchParams.set('iss', consent.iss);
  return { status: 302, headers: { location: back.href } };
}

function checkAuthorizationRequest(
  consent: ConsentScript,
  books: ProviderBooks,
  query: URLSearchParams,
): void {
  const clientIdParameter = consent.clientIdParameter ?? 'client_id';
  const scopeParameter = consent.scopeParameter ?? 'scope';
  const required = [
    'response_type',
    clientIdParameter,
    'redirect_uri',
    'state',
    ...Object.keys(consent.requiredParameters ?? {}),
  ];
  if (consent.pkce) required.push('code_challenge', 'code_challenge_method');
  expectFields(query, required, [scopeParameter]);
  if (query.get('response_type') !== 'code')
    throw new Violation(`response_type is ${query.get('response_type')}, not code`);
  if (query.get(clientIdParameter) !== books.clientId)
    throw new Violation(`${clientIdParameter} is not the client's id`);
  if (query.get('redirect_uri') !== books.redirectUri)
    throw new Violation(
      `redirect_uri ${query.get('redirect_uri')} is not the registered ${books.redirectUri}`,
    );
  if ((query.get('state') ?? '').length < 22) throw new Violation('state is too short to be unguessable');
  if (consent.pkce && query.get('code_challenge_method') !== 'S256')
    throw new Violation(`code_challenge_method is ${query.get('code_challenge_method')}, not S256`);
  for (const [name, value] of Object.entries(consent.requiredParameters ?? {})) {
    if (query.get(name) !== value) throw new Violation(`${name} is ${query.get(name)}, not ${value}`);
  }
  const scope = query.get(scopeParameter);
  if (scope !== null) {
    const other = consent.scopeSeparator === ' ' ? ',' : ' ';
    if (scope.includes(other))
      throw new Violation(`${scopeParameter} "${scope}" is not separated by "${consent.scopeSeparator}"`);
    if (scope.split(consent.scopeSeparator).some((item) => item === ''))
      throw new Violation(`${scopeParameter} "${scope}" has an empty scope`);
  }
}

function token(prefix: string): string {
  const value = `${prefix}-${randomBytes(18).toString('base64url')}`;
  registerSecret(`a token the ${prefix.split('-')[0]} fake issued`, value);
  return value;
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
