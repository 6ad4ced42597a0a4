import type { ProviderEntry } from '@base44-connectors/contract';
import * as oauth from 'oauth4webapi';

/** A catalog entry together with this server's client credentials for it: all a protocol step needs. */
export interface ConfiguredProvider {
  entry: ProviderEntry;
  clientId: string;
  clientSecret: string;
  /** How long a request to the provider may take; DEFAULT_REQUEST_TIMEOUT_MS unless configured. */
  requestTimeoutMs?: number;
}

export interface ProtocolParts {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  options: oauth.HttpRequestOptions<'POST', URLSearchParams> & { [oauth.allowInsecureRequests]?: boolean };
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export function requestTimeoutOf(provider: ConfiguredProvider): number {
  return provider.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
}

/** Describes the provider to oauth4webapi; the entry's quirks become request options. */
export function protocolParts(provider: ConfiguredProvider): ProtocolParts {
  const { entry } = provider;
  const as: oauth.AuthorizationServer = {
    // Without an issuer, readCallback refuses any `iss` before this one could be compared.
    issuer: entry.issuer ?? entry.authorization.url,
    authorization_endpoint: entry.authorization.url,
    token_endpoint: entry.token.url,
    ...(entry.revocation ? { revocation_endpoint: entry.revocation.url } : {}),
    ...(entry.userInfo ? { userinfo_endpoint: entry.userInfo.url } : {}),
  };
  const clientAuth = clientAuthentication(
    entry.token.clientAuthentication,
    provider.clientSecret,
    entry.clientIdParameter,
  );
  return {
    as,
    client: { client_id: provider.clientId },
    clientAuth,
    options: {
      signal: AbortSignal.timeout(requestTimeoutOf(provider)),
      // Loopback providers (the sandbox, test servers) speak plain HTTP; everything else must be HTTPS.
      ...(usesLoopback(entry) ? { [oauth.allowInsecureRequests]: true } : {}),
      ...(entry.token.bodyEncoding === 'json' ? { [oauth.customFetch]: sendFormAsJson } : {}),
    },
  };
}

/**
 * Client authentication at a provider's endpoints. Basic sends `base64(id:secret)` as providers
 * expect it, without the RFC 6749 §2.3.1 form-encoding oauth4webapi applies (which turns every "-"
 * of a UUID client id into %2D, and real providers do not decode). Post puts the id under the
 * provider's parameter name.
 */
export function clientAuthentication(
  method: 'client_secret_basic' | 'client_secret_post',
  clientSecret: string,
  clientIdParameter = 'client_id',
): oauth.ClientAuth {
  if (method === 'client_secret_basic') {
    return (_as, client, _body, headers) => {
      headers.set(
        'authorization',
        `Basic ${Buffer.from(`${client.client_id}:${clientSecret}`).toString('base64')}`,
      );
    };
  }
  return (_as, client, body) => {
    body.set(clientIdParameter, client.client_id);
    body.set('client_secret', clientSecret);
  };
}

function usesLoopback(entry: ProviderEntry): boolean {
  return [entry.authorization.url, entry.token.url].every((url) => {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  });
}

/** Notion's token endpoint wants the same parameters as JSON instead of a form. */
function sendFormAsJson(
  url: string,
  request: oauth.CustomFetchOptions<'POST', URLSearchParams>,
): Promise<Response> {
  return fetch(url, {
    ...request,
    headers: { ...request.headers, 'content-type': 'application/json' },
    body: JSON.stringify(Object.fromEntries(request.body)),
  });
}
