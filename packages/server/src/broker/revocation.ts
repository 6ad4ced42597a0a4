import * as oauth from 'oauth4webapi';
import {
  type ConfiguredProvider,
  clientAuthentication,
  protocolParts,
  requestTimeoutOf,
} from './provider.js';

export type RevocationResult = { revoked: true } | { revoked: false; reason: string };

/** Step 5: tells the provider a token is no longer wanted (RFC 7009, or the provider's variant). */
export async function revokeToken(provider: ConfiguredProvider, token: string): Promise<RevocationResult> {
  const revocation = provider.entry.revocation;
  if (!revocation)
    return { revoked: false, reason: `${provider.entry.displayName} offers no revocation endpoint` };
  const { as, client, options } = protocolParts(provider);
  try {
    const response =
      revocation.clientAuthentication === 'bearer' || revocation.tokenParameter !== 'token'
        ? await fetch(revocation.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              ...(revocation.clientAuthentication === 'bearer' ? { authorization: `Bearer ${token}` } : {}),
            },
            body: new URLSearchParams({ [revocation.tokenParameter]: token }),
            signal: AbortSignal.timeout(requestTimeoutOf(provider)),
          })
        : await oauth.revocationRequest(
            as,
            client,
            clientAuthentication(
              revocation.clientAuthentication,
              provider.clientSecret,
              provider.entry.clientIdParameter,
            ),
            token,
            options,
          );
    if (response.ok) return { revoked: true };
    return { revoked: false, reason: `${provider.entry.displayName} answered ${response.status}` };
  } catch (error) {
    return { revoked: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
