import { revokeToken } from '../broker/revocation.js';
import { notFound } from '../http/errors.js';
import type { ConnectorContext } from './context.js';
import { bumpRevision, deleteConnector, findConnector, openTokens } from './store.js';

export interface Removal {
  /** Whether the provider confirmed the revocation; false when it has no endpoint or did not answer. */
  revoked: boolean;
  revocationProblem: string | null;
}

/**
 * `DELETE external-auth/integrations/{type}/remove`: revokes the tokens at the provider where it
 * supports that, then deletes the connector, its tokens and its attempts. A provider that cannot
 * be reached does not keep the connector alive: the person asked for it to go.
 */
export async function removeConnector(
  context: ConnectorContext,
  appId: string,
  type: string,
): Promise<Removal> {
  const connector = await findConnector(context.db, appId, type);
  if (!connector) throw notFound(`${type} is not a connector of this app`);

  let removal: Removal = { revoked: false, revocationProblem: null };
  const tokens = connector.sealedAccessToken ? openTokens(context.vault, connector) : null;
  const resolution = context.providers.resolve(type);
  if (tokens && resolution.kind === 'ready') {
    // Revoking the refresh token ends the whole grant at most providers; the access token then too.
    const target = tokens.refreshToken ?? tokens.accessToken!;
    const result = await revokeToken(resolution.provider, target);
    removal = result.revoked
      ? { revoked: true, revocationProblem: null }
      : { revoked: false, revocationProblem: result.reason };
    if (result.revoked && tokens.refreshToken && tokens.accessToken)
      await revokeToken(resolution.provider, tokens.accessToken);
  }

  await context.db.transaction().execute(async (trx) => {
    await deleteConnector(trx, appId, type);
    await bumpRevision(trx, appId);
  });
  return removal;
}
