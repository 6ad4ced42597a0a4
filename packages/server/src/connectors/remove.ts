import { recordAuditEvent } from '../audit/events.js';
import { withEndpointsFor } from '../broker/endpoint-urls.js';
import { revokeGrantTokens } from '../broker/revocation.js';
import { notFound } from '../http/errors.js';
import type { ConnectorContext } from './context.js';
import { appChangedTopic } from './status.js';
import {
  bumpRevision,
  type Connector,
  deleteConnector,
  findConnector,
  openTokens,
  readRevision,
} from './store.js';

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
  actorUserId: string | null,
): Promise<Removal> {
  const connector = await findConnector(context.db, appId, type);
  if (!connector) throw notFound(`${type} is not a connector of this app`);

  const removal = await revokeGrant(context, connector);
  await context.db.transaction().execute(async (trx) => {
    // The app row first, as `apply` does, so the two never wait on each other's locks.
    await readRevision(trx, appId, context.rowLocks);
    await deleteConnector(trx, appId, type);
    await bumpRevision(trx, appId);
    await recordAuditEvent(
      trx,
      {
        appId,
        actorUserId,
        action: 'removed',
        integrationType: type,
        detail: { account_email: connector.accountEmail, revoked: removal.revoked },
      },
      context.now(),
    );
  });
  await context.events.publish(appChangedTopic(appId));
  return removal;
}

/**
 * Tells the provider that a connector's tokens are no longer wanted, where the provider supports
 * revocation. `connector` is read before it is deleted: the sealed tokens are all this needs.
 */
export async function revokeGrant(
  context: Pick<ConnectorContext, 'vault' | 'providers'>,
  connector: Connector,
): Promise<Removal> {
  const tokens = connector.sealedAccessToken ? openTokens(context.vault, connector) : null;
  const resolution = context.providers.resolve(connector.type);
  if (!tokens || resolution.kind !== 'ready') return { revoked: false, revocationProblem: null };

  // Which token goes, and how, is the catalog entry's to say.
  const result = await revokeGrantTokens(
    withEndpointsFor(resolution.provider, connector.settings ?? {}),
    tokens,
  );
  if (!result.revoked) return { revoked: false, revocationProblem: result.reason };
  return { revoked: true, revocationProblem: null };
}
