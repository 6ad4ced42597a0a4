import type { AdapterConstructor, AdapterFactory, ClientMetadata, Configuration, JWK } from 'oidc-provider';
import { findAccount } from './accounts.js';
import { PAGE_HEADERS } from './http.js';
import type { SandboxClient } from './index.js';
import { everyRequestInteracts } from './interaction-policy.js';
import { interactionPath } from './interactions.js';
import type { OidcProviderModule } from './load-oidc-provider.js';
import { errorPage } from './pages.js';

export interface ConfigurationInput {
  mountPath: string;
  clients: readonly SandboxClient[];
  accessTokenTtlSeconds: number;
  adapter: AdapterConstructor | AdapterFactory;
  jwks: { keys: JWK[] };
  cookieKeys: string[];
}

const MINUTE = 60;
const DAY = 24 * 60 * MINUTE;

/** Lifetimes other than the access token's, in seconds. */
const LIFETIMES = {
  AuthorizationCode: MINUTE,
  IdToken: 60 * MINUTE,
  Interaction: 30 * MINUTE,
  RefreshToken: 30 * DAY,
  Session: DAY,
  Grant: 365 * DAY,
} as const;

function client({ clientId, clientSecret, redirectUris }: SandboxClient): ClientMetadata {
  return {
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // oidc-provider accepts client_secret_post from a client registered for client_secret_basic and back.
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

/**
 * The oidc-provider configuration of the sandbox: the authorization code flow with S256 PKCE only, a
 * rotating refresh token with every code, no token bound to the browser session, revocation on, and no
 * default left that oidc-provider warns about.
 */
export function sandboxConfiguration(oidc: OidcProviderModule, input: ConfigurationInput): Configuration {
  return {
    adapter: input.adapter,
    clients: input.clients.map(client),
    jwks: input.jwks,
    cookies: { keys: input.cookieKeys },
    findAccount,
    claims: {
      openid: ['sub', 'email', 'email_verified'],
      email: ['email', 'email_verified'],
    },
    responseTypes: ['code'],
    pkce: { required: () => true },
    issueRefreshToken: () => true,
    rotateRefreshToken: true,
    expiresWithSession: () => false,
    clientBasedCORS: () => false,
    ttl: {
      AccessToken: input.accessTokenTtlSeconds,
      ...LIFETIMES,
    },
    interactions: {
      policy: everyRequestInteracts(oidc.interactionPolicy),
      url: (_ctx, interaction) => `${input.mountPath}${interactionPath(interaction.uid)}`,
    },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, caller, token) => {
          if (token.clientId === caller.clientId) return true;
          throw new oidc.errors.InvalidRequest('client is not authorized to revoke the presented token');
        },
      },
      userinfo: { enabled: true },
    },
    renderError: (ctx, out) => {
      ctx.set(PAGE_HEADERS);
      ctx.body = errorPage('The sandbox could not go on', { ...out });
    },
  };
}
