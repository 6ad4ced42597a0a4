import type Provider from 'oidc-provider';

/**
 * Makes the provider recognise every scope a client asks for, so the grant, the authorization code and the
 * tokens carry the requested scope exactly (`chat:write`, `https://www.googleapis.com/auth/calendar.readonly`…).
 *
 * oidc-provider only knows the scopes of its static `scopes` configuration and drops every other one from
 * the authorization request before the interaction starts ("scope values that are not understood are
 * ignored"); the documented alternative, resource indicators, binds the access token to a resource server,
 * which the userinfo endpoint then refuses. The provider decides which requested scopes it knows in one
 * place, `OIDCContext#requestParamOIDCScopes`; this provider's own context class (each provider has one)
 * answers "all of them".
 */
export function recogniseEveryScope(provider: Provider): void {
  Object.defineProperty(provider.OIDCContext.prototype, 'requestParamOIDCScopes', {
    configurable: true,
    get(this: { requestParamScopes: Set<string> }) {
      return this.requestParamScopes.size > 0 ? this.requestParamScopes : new Set([NO_SCOPE_REQUESTED]);
    },
  });
}

/**
 * What a grant holds when the request names no scope (Notion's requests carry none): oidc-provider
 * refuses to finish an authorization that grants nothing, so the sandbox grants this one instead.
 */
export const NO_SCOPE_REQUESTED = 'sandbox';
