import * as oauth from 'oauth4webapi';
import { type ConfiguredProvider, protocolParts } from './provider.js';

export type CallbackReading =
  | { ok: true; parameters: URLSearchParams }
  | { ok: false; error: string; description: string };

/**
 * Step 2: checks the provider's redirect for this attempt: the state it was sent (the caller has
 * already found the attempt by it), the provider's own `error`, and `iss` against the entry's
 * `issuer` (RFC 9207, so a response from another provider cannot be slipped in). An entry without an
 * issuer takes no `iss` at all: it would be another provider's, or the entry lacks its issuer.
 */
export function readCallback(
  provider: ConfiguredProvider,
  query: URLSearchParams,
  expectedState: string,
): CallbackReading {
  const { entry } = provider;
  const iss = query.get('iss');
  if (iss !== null && entry.issuer === undefined) {
    return {
      ok: false,
      error: 'invalid_callback',
      description: `${entry.displayName} is not known to send iss, yet the response names ${iss}`,
    };
  }
  const { as, client } = protocolParts(provider);
  try {
    return { ok: true, parameters: oauth.validateAuthResponse(as, client, query, expectedState) };
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      return { ok: false, error: error.error, description: error.error_description ?? error.error };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: 'invalid_callback', description: message };
  }
}
