import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdapterConstructor, AdapterFactory } from 'oidc-provider';
import { sandboxConfiguration } from './configuration.js';
import { createInteractionHandler } from './interactions.js';
import { generateCookieKeys, generateSigningKeys } from './keys.js';
import { loadOidcProvider } from './load-oidc-provider.js';
import { createMemoryAdapter } from './memory-adapter.js';
import { mountPathOf, mountProvider } from './mount.js';
import { recogniseEveryScope } from './scopes.js';
import { WHOAMI_PATH, whoami } from './whoami.js';

export type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';
export type { Whoami } from './whoami.js';

export interface SandboxClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface SandboxOptions {
  /** Full issuer URL including the mount path, e.g. http://127.0.0.1:4044/sandbox (no trailing slash). */
  issuer: string;
  clients: SandboxClient[];
  /** Access token lifetime in seconds (default 3600); tests use short ones to exercise refresh. */
  accessTokenTtlSeconds?: number;
  /** Optional oidc-provider adapter class for persistence; default in-memory. */
  adapter?: unknown;
}

export interface SandboxProvider {
  /** Node request handler. It receives requests whose URL path still STARTS WITH the mount path (e.g. /sandbox/auth?...); strip it internally. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** The mount path derived from the issuer, e.g. "/sandbox". */
  mountPath: string;
  /** Endpoint URLs for the client side (absolute): */
  endpoints: { authorization: string; token: string; revocation: string; userinfo: string; api: string };
}

const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3600;

/**
 * An OAuth 2.0 / OpenID Connect authorization server that stands in for every real provider. Session and
 * interaction cookies are signed with keys made here, and ID tokens with an RS256 key made here: both live
 * as long as the returned provider (a restart ends every sign-in in progress, as the in-memory store does).
 */
export async function createSandboxProvider(options: SandboxOptions): Promise<SandboxProvider> {
  const issuer = parseIssuer(options.issuer);
  const accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(accessTokenTtlSeconds) || accessTokenTtlSeconds <= 0) {
    throw new TypeError('accessTokenTtlSeconds must be a positive whole number of seconds');
  }
  if (options.adapter !== undefined && typeof options.adapter !== 'function') {
    throw new TypeError('adapter must be an oidc-provider adapter class or factory');
  }
  const mountPath = mountPathOf(issuer);
  const [oidc, jwks] = await Promise.all([loadOidcProvider(), generateSigningKeys()]);

  const configuration = sandboxConfiguration(oidc, {
    mountPath,
    clients: options.clients,
    accessTokenTtlSeconds,
    adapter: (options.adapter as AdapterConstructor | AdapterFactory | undefined) ?? createMemoryAdapter(),
    jwks,
    cookieKeys: generateCookieKeys(),
  });
  const provider = new oidc.Provider(options.issuer, configuration);
  recogniseEveryScope(provider);

  const handle = mountProvider(oidc, provider, issuer, {
    own: [
      { path: WHOAMI_PATH, answers: 'json', route: (req, res) => whoami(provider, req, res) },
      { path: '/interaction/', answers: 'html', route: createInteractionHandler(provider, mountPath) },
    ],
  });

  return {
    handle,
    mountPath,
    endpoints: {
      authorization: provider.urlFor('authorization'),
      token: provider.urlFor('token'),
      revocation: provider.urlFor('revocation'),
      userinfo: provider.urlFor('userinfo'),
      api: `${options.issuer}${WHOAMI_PATH}`,
    },
  };
}

function parseIssuer(issuer: string): URL {
  const url = URL.canParse(issuer) ? new URL(issuer) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(`issuer must be an absolute http(s) URL, not ${JSON.stringify(issuer)}`);
  }
  if (issuer.endsWith('/') || url.search || url.hash || issuer.includes('?') || issuer.includes('#')) {
    throw new TypeError(`issuer must have no trailing slash, query or fragment: ${JSON.stringify(issuer)}`);
  }
  return url;
}
