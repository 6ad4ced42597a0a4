import type { TokenForIntegrationResponse } from '@base44-connectors/contract';
import { refreshTokens } from '../broker/token-requests.js';
import { HttpError } from '../http/errors.js';
import type { RowCache } from '../storage/row-cache.js';
import { requireProvider } from './authorize.js';
import type { ConnectorContext } from './context.js';
import {
  applyEvent,
  type Connector,
  findConnector,
  openAccessToken,
  openTokens,
  storeRefresh,
} from './store.js';

/** Tokens that expire within this margin are refreshed before they are handed out. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** An active connector and its access token, opened. */
export interface Readable {
  connector: Connector;
  accessToken: string;
}

type Refreshed = { ok: true; connector: Connector } | { ok: false; error: HttpError };

/**
 * `GET external-auth/tokens/{type}` for an app's backend. Many requests for one expiring token
 * cause one refresh: in-process they share one promise; across server instances on PostgreSQL the
 * connector row is locked and re-read, so a second instance finds the token already fresh.
 */
export class TokenApi {
  private readonly inFlight = new Map<string, Promise<Refreshed>>();

  /** `readable` holds active connectors with their opened access token, while the database is unchanged. */
  constructor(
    private readonly context: ConnectorContext,
    private readonly readable: RowCache<Readable>,
  ) {}

  async tokenFor(appId: string, type: string): Promise<TokenForIntegrationResponse> {
    const key = `${appId}/${type}`;
    let { connector, accessToken } = this.readable.get(key) ?? (await this.readUsable(key, appId, type));
    if (this.needsRefresh(connector)) {
      let refresh = this.inFlight.get(key);
      if (!refresh) {
        refresh = this.refresh(appId, type).finally(() => this.inFlight.delete(key));
        this.inFlight.set(key, refresh);
      }
      const refreshed = await refresh;
      if (!refreshed.ok) throw refreshed.error;
      connector = refreshed.connector;
      accessToken = openAccessToken(this.context.vault, connector);
    }
    return {
      access_token: accessToken,
      integration_type: type,
      connection_config: connector.connectionConfig,
    };
  }

  private async readUsable(key: string, appId: string, type: string): Promise<Readable> {
    const mark = this.readable.mark();
    const connector = await findConnector(this.context.db, appId, type);
    if (!connector || connector.sealedAccessToken === null) {
      throw new HttpError(
        404,
        `${type} is not connected for this app: run \`base44 connectors push\``,
        'not_connected',
      );
    }
    if (connector.state !== 'active') throw reauthorize(type, connector.state);
    const readable = { connector, accessToken: openAccessToken(this.context.vault, connector) };
    this.readable.store(key, readable, mark);
    return readable;
  }

  private needsRefresh(connector: Connector): boolean {
    return connector.expiresAt !== null && connector.expiresAt - this.context.now() <= REFRESH_MARGIN_MS;
  }

  private async refresh(appId: string, type: string): Promise<Refreshed> {
    const { db, rowLocks } = this.context;
    if (!rowLocks) return this.refreshLocked(db, appId, type);
    return db.transaction().execute((trx) => this.refreshLocked(trx, appId, type, true));
  }

  private async refreshLocked(
    db: ConnectorContext['db'],
    appId: string,
    type: string,
    forUpdate = false,
  ): Promise<Refreshed> {
    const { vault, now } = this.context;
    const connector = await findConnector(db, appId, type, forUpdate);
    if (connector?.state !== 'active')
      return { ok: false, error: reauthorize(type, connector?.state ?? 'removed') };
    if (!this.needsRefresh(connector)) return { ok: true, connector }; // another instance refreshed it meanwhile

    const stillValid = connector.expiresAt !== null && connector.expiresAt > now();
    const { refreshToken } = openTokens(vault, connector);
    if (!refreshToken) {
      if (stillValid) return { ok: true, connector };
      await applyEvent(db, connector, 'token_lapsed', now());
      return { ok: false, error: reauthorize(type, 'expired') };
    }

    const result = await refreshTokens(requireProvider(this.context, type), refreshToken);
    if (result.ok) {
      const { tokens } = result;
      const expiresAt = tokens.expiresIn === null ? null : now() + tokens.expiresIn * 1000;
      await storeRefresh(db, vault, connector, { ...tokens, expiresAt }, now());
      return { ok: true, connector: (await findConnector(db, appId, type))! };
    }
    if (result.error === 'temporarily_unavailable') {
      // The provider is down: the current token still serves while it lasts.
      if (stillValid) return { ok: true, connector };
      return {
        ok: false,
        error: new HttpError(
          503,
          `${type} could not refresh its token: ${result.description}`,
          'provider_unavailable',
          undefined,
          {
            'retry-after': '5',
          },
        ),
      };
    }
    await applyEvent(db, connector, 'refresh_rejected', now());
    return { ok: false, error: reauthorize(type, 'expired') };
  }
}

function reauthorize(type: string, state: string): HttpError {
  return new HttpError(
    409,
    `${type} is ${state} and must be authorized again: run \`base44 connectors push\``,
    'connector_needs_authorization',
  );
}
