import {
  expectFields,
  type FakeGrant,
  fieldOf,
  type ProviderAnswer,
  type ProviderBooks,
  type ProviderRequest,
  type RouteScript,
  Violation,
} from './documented-provider.js';

/** `either`: the provider takes HTTP Basic or the body, whichever the client sends. */
export type ClientAuthentication = 'client_secret_basic' | 'client_secret_post' | 'either';

/** The body fields client authentication puts in this request: none with Basic, id and secret otherwise. */
function postedCredentials(
  method: ClientAuthentication,
  request: ProviderRequest,
  clientIdParameter: string,
): string[] {
  const inBody = method === 'client_secret_post' || (method === 'either' && request.basic() === null);
  return inBody ? [clientIdParameter, 'client_secret'] : [];
}

export interface TokenEndpointScript {
  url: string;
  clientAuthentication: ClientAuthentication;
  /** How the request body is encoded: RFC 6749's form, or JSON (Notion). */
  body?: 'form' | 'json';
  clientIdParameter?: string;
  /** The documented answer to a code exchange. */
  exchange(grant: FakeGrant, books: ProviderBooks): ProviderAnswer;
  /** The documented answer to a refresh; absent where the provider has no refresh grant. */
  refresh?: { rotates: boolean; answer(grant: FakeGrant, books: ProviderBooks): ProviderAnswer };
  /** Whether a code exchange issues a refresh token. */
  issuesRefreshToken: boolean;
  /** The documented refusal of a code (`invalid_grant` in RFC 6749 §5.2; providers have their own). */
  refusedCode: ProviderAnswer;
  /** The documented refusal of an unknown or retired refresh token. */
  refusedRefreshToken?: ProviderAnswer;
}

/** The RFC 6749 §5.2 error answer. */
export function oauthError(error: string, description?: string, status = 400): ProviderAnswer {
  return { status, json: { error, ...(description ? { error_description: description } : {}) } };
}

/**
 * A token endpoint (RFC 6749 §4.1.3 and §6) that takes exactly the documented parameters, with the
 * documented client authentication and body encoding, and answers what the script says.
 */
export function tokenEndpoint(script: TokenEndpointScript): RouteScript {
  const clientIdParameter = script.clientIdParameter ?? 'client_id';
  return {
    name: 'token',
    method: 'POST',
    url: script.url,
    answer(request, books) {
      const posted = postedCredentials(script.clientAuthentication, request, clientIdParameter);
      const fields = script.body === 'json' ? request.json() : request.form();
      if (request.url.search !== '') throw new Violation('parameters sent in the query string');
      const grantType = fieldOf(fields, 'grant_type');
      books.authenticateClient(request, fields, script.clientAuthentication, clientIdParameter);
      if (grantType === 'authorization_code') {
        expectFields(fields, ['grant_type', 'code', 'redirect_uri', ...posted], ['code_verifier']);
        const scopes = books.redeemCode(
          fieldOf(fields, 'code'),
          fieldOf(fields, 'redirect_uri'),
          fieldOf(fields, 'code_verifier'),
        );
        if (books.refuseNextCode) {
          books.refuseNextCode = false;
          return script.refusedCode;
        }
        if (!scopes) return script.refusedCode;
        return script.exchange(books.issue(scopes, { refreshToken: script.issuesRefreshToken }), books);
      }
      if (grantType === 'refresh_token') {
        if (!script.refresh)
          throw new Violation('a refresh was requested of a provider that has no refresh grant');
        expectFields(fields, ['grant_type', 'refresh_token', ...posted]);
        const grant = books.byRefreshToken(fieldOf(fields, 'refresh_token'));
        if (!grant) return script.refusedRefreshToken ?? oauthError('invalid_grant');
        return script.refresh.answer(books.refresh(grant, { rotate: script.refresh.rotates }), books);
      }
      throw new Violation(`grant_type ${grantType ?? 'missing'}`);
    },
  };
}

/** The RFC 6749 §5.1 success answer. */
export function standardTokenAnswer(
  grant: FakeGrant,
  extra: Record<string, unknown> = {},
  lifetime = 3600,
): ProviderAnswer {
  return {
    json: {
      access_token: grant.accessToken,
      token_type: 'Bearer',
      expires_in: lifetime,
      ...(grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
      scope: grant.scopes.join(' '),
      ...extra,
    },
  };
}

export interface ApiScript {
  name?: string;
  method?: 'GET' | 'POST';
  url: string;
  /** Headers the documentation requires, with the value (or a pattern) each must have. */
  headers?: Record<string, string | RegExp>;
  /** How the request carries the access token; `bearer` unless the provider says otherwise. */
  token?: (request: ProviderRequest, segments: Record<string, string>) => string | null;
  answer(grant: FakeGrant, books: ProviderBooks, request: ProviderRequest): ProviderAnswer;
  /** What the API answers to a token it does not know. */
  unauthorized?: ProviderAnswer;
}

/** An API endpoint that answers for a live access token, sent as the documentation says. */
export function apiEndpoint(script: ApiScript): RouteScript {
  return {
    name: script.name ?? 'userinfo',
    method: script.method ?? 'GET',
    url: script.url,
    answer(request, books, segments) {
      for (const [name, value] of Object.entries(script.headers ?? {})) request.expectHeader(name, value);
      const sent = script.token ? script.token(request, segments) : request.bearer();
      const grant = books.byAccessToken(sent);
      if (!grant) return script.unauthorized ?? { status: 401, json: { error: 'invalid_token' } };
      return script.answer(grant, books, request);
    },
  };
}

export interface RevocationScript {
  url: string;
  method?: 'POST' | 'DELETE';
  /** Reads the token from the request and checks the rest (client authentication, headers). */
  read(request: ProviderRequest, books: ProviderBooks, segments: Record<string, string>): string | null;
  /** Which tokens end the grant when revoked. */
  revokes: 'access_token' | 'refresh_token' | 'either';
  answer?: ProviderAnswer;
  /** What an unknown token gets. RFC 7009 §2.2 says 200, as if it worked. */
  unknownToken?: ProviderAnswer;
}

/** A revocation endpoint: a known token (of the kind the provider takes) ends its whole grant. */
export function revocationEndpoint(script: RevocationScript): RouteScript {
  return {
    name: 'revocation',
    method: script.method ?? 'POST',
    url: script.url,
    answer(request, books, segments) {
      const value = script.read(request, books, segments);
      const grant =
        (script.revokes !== 'refresh_token' ? books.byAccessToken(value) : undefined) ??
        (script.revokes !== 'access_token' ? books.byRefreshToken(value) : undefined);
      if (!grant) return script.unknownToken ?? { status: 200 };
      grant.revoked = true;
      return script.answer ?? { status: 200 };
    },
  };
}

/** RFC 7009: a form with `token` (and optionally `token_type_hint`) and the client's authentication. */
export function rfc7009Revocation(options: {
  url: string;
  clientAuthentication: ClientAuthentication | 'none';
  revokes?: RevocationScript['revokes'];
  tokenParameter?: string;
  answer?: ProviderAnswer;
  unknownToken?: ProviderAnswer;
  clientIdParameter?: string;
}): RouteScript {
  const tokenParameter = options.tokenParameter ?? 'token';
  const clientIdParameter = options.clientIdParameter ?? 'client_id';
  return revocationEndpoint({
    url: options.url,
    revokes: options.revokes ?? 'either',
    ...(options.answer ? { answer: options.answer } : {}),
    ...(options.unknownToken ? { unknownToken: options.unknownToken } : {}),
    read(request, books) {
      const form = request.form();
      const posted =
        options.clientAuthentication === 'none'
          ? []
          : postedCredentials(options.clientAuthentication, request, clientIdParameter);
      expectFields(form, [tokenParameter, ...posted], ['token_type_hint']);
      if (options.clientAuthentication !== 'none')
        books.authenticateClient(request, form, options.clientAuthentication, clientIdParameter);
      else if (request.header('authorization'))
        throw new Violation('an Authorization header the endpoint does not take');
      return form.get(tokenParameter);
    },
  });
}
