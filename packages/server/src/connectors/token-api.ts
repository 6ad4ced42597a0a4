import type { TokenForIntegrationResponse } from '@base44-connectors/contract';
import { withEndpointsFor } from '../broker/endpoint-urls.js';
import { type ConfiguredProvider, requestTimeoutOf } from '../broker/provider.js';
import { refreshTokens } from '../broker/token-requests.js';
import { HttpError, serviceUnavailable } from '../http/errors.js';
import { ANY_TOPIC } from '../storage/events.js';
import type { RowCache } from '../storage/row-cache.js';
import { requireProvider } from './authorize.js';
import type { ConnectorContext } from './context.js';
import {
  expireRefused,
  type Lease,
  refreshTopic,
  releaseUnavailable,
  storeRefreshed,
  takeLease,
} from './refresh-lease.js';
import {
  applyEvent,
  type Connector,
  connectionConfigFor,
  findConnector,
  openAccessToken,
  openTokens,
} from './store.js';
import { Wakes } from './wakes.js';

/** Tokens that expire within this margin are refreshed before they are handed out. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** A lease outlasts the provider's timeout by this much: the write after the answer fits in it. */
export const LEASE_MARGIN_MS = 5_000;

/** How often a request waiting on another's refresh reads the row, besides the event channel's wakes. */
export const LEASE_POLL_MS = 50;

/** An active connector and its access token, opened. */
export interface Readable {
  connector: Connector;
  accessToken: string;
}

type Outcome = { ok: true; readable: Readable } | { ok: false; error: HttpError };

/**
 * `GET external-auth/tokens/{type}` for an app's backend. A token that expires within the margin is
 * refreshed once, however many requests ask on however many instances: the request that takes the
 * connector's refresh lease asks the provider (outside any transaction) and waits for its answer;
 * in-process, expired-token requests share its promise. Elsewhere, a request that finds the lease
 * held answers the current token at once while it is still valid, and otherwise waits (reading
 * the row, woken by the event channel) until the holder stores the new token, for at most one
 * lease length; a lease whose holder died expires and the next request takes it.
 */
export class TokenApi {
  private readonly inFlight = new Map<string, Promise<Outcome>>();

  /** `readable` holds active connectors with their opened access token, while the database is unchanged. */
  constructor(
    private readonly context: ConnectorContext,
    private readonly readable: RowCache<Readable>,
  ) {}

  async tokenFor(appId: string, type: string): Promise<TokenForIntegrationResponse> {
    const key = `${appId}/${type}`;
    let readable = this.readable.get(key) ?? (await this.readUsable(key, appId, type));
    if (this.needsRefresh(readable.connector)) {
      let refresh = this.inFlight.get(key);
      // A valid token serves while this process refreshes it; an expired one waits for the refresh.
      if (!refresh || !this.isValid(readable.connector)) {
        if (!refresh) {
          refresh = this.fresh(appId, type).finally(() => this.inFlight.delete(key));
          this.inFlight.set(key, refresh);
        }
        const outcome = await refresh;
        if (!outcome.ok) throw outcome.error;
        readable = outcome.readable;
      }
    }
    return {
      access_token: readable.accessToken,
      integration_type: type,
      connection_config: connectionConfigFor(readable.connector),
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
    const readable = this.opened(connector);
    this.readable.store(key, readable, mark);
    return readable;
  }

  private needsRefresh(connector: Connector): boolean {
    return connector.expiresAt !== null && connector.expiresAt - this.context.now() <= REFRESH_MARGIN_MS;
  }

  private isValid(connector: Connector): boolean {
    return connector.expiresAt === null || connector.expiresAt > this.context.now();
  }

  private opened(connector: Connector): Readable {
    return { connector, accessToken: openAccessToken(this.context.vault, connector) };
  }

  /** The token as it should be served: refreshed under this request's lease, or by the lease's holder. */
  private async fresh(appId: string, type: string): Promise<Outcome> {
    const { db, vault, events, now } = this.context;
    const wakes = new Wakes();
    const topic = refreshTopic(appId, type);
    // Listen before reading, so a lease given back between the read and the wait is not missed.
    const unsubscribe = events.subscribe((heard) => {
      if (heard === topic || heard === ANY_TOPIC) wakes.wake();
    });
    try {
      let deadline: number | undefined;
      /** The sealed token another request was refreshing when this one began to wait. */
      let waitedOn: string | null | undefined;
      for (;;) {
        const connector = await findConnector(db, appId, type);
        if (connector?.state !== 'active') return failed(reauthorize(type, connector?.state ?? 'removed'));
        const replaced = waitedOn !== undefined && connector.sealedAccessToken !== waitedOn;
        if (!this.needsRefresh(connector) || (replaced && this.isValid(connector))) {
          return { ok: true, readable: this.opened(connector) };
        }
        if (waitedOn === connector.sealedAccessToken && connector.refreshLease === null) {
          // The holder gave the lease back without a new token: the provider did not answer it.
          return this.unavailable(connector, connector.refreshFailure ?? 'the provider did not answer');
        }

        const stillValid = this.isValid(connector);
        const { refreshToken } = openTokens(vault, connector);
        if (!refreshToken) {
          if (stillValid) return { ok: true, readable: this.opened(connector) };
          await applyEvent(db, connector, 'token_lapsed', now());
          return failed(reauthorize(type, 'expired'));
        }
        const provider = withEndpointsFor(requireProvider(this.context, type), connector.settings ?? {});
        const leaseMs = requestTimeoutOf(provider) + LEASE_MARGIN_MS;
        const lease = await takeLease(db, connector, now(), leaseMs);
        if (lease) {
          const outcome = await this.refreshUnder(lease, connector, provider, refreshToken);
          if (outcome) return outcome;
          continue; // the lease was lost (it ran out, or the connector was re-authorized): read again
        }
        // Another request holds the lease: the current token serves while it is valid.
        if (stillValid) return { ok: true, readable: this.opened(connector) };
        deadline ??= performance.now() + leaseMs;
        const left = deadline - performance.now();
        if (left <= 0) return this.unavailable(connector, 'another request is still refreshing it');
        waitedOn = connector.sealedAccessToken;
        await wakes.next(Math.min(LEASE_POLL_MS, left));
      }
    } finally {
      unsubscribe();
    }
  }

  /** Asks the provider under the lease and stores its answer; undefined when the lease was lost meanwhile. */
  private async refreshUnder(
    lease: Lease,
    connector: Connector,
    provider: ConfiguredProvider,
    refreshToken: string,
  ): Promise<Outcome | undefined> {
    const { db, vault, events, now } = this.context;
    const { type } = connector;
    const result = await refreshTokens(provider, refreshToken);
    let outcome: Outcome;
    let kept: boolean;
    if (result.ok) {
      const { tokens } = result;
      const expiresAt = tokens.expiresIn === null ? null : now() + tokens.expiresIn * 1000;
      kept = await storeRefreshed(db, vault, lease, { ...tokens, expiresAt }, now());
      outcome = {
        ok: true,
        readable: { connector: { ...connector, expiresAt }, accessToken: tokens.accessToken },
      };
    } else if (result.error === 'temporarily_unavailable') {
      // The provider is down: the current token still serves while it lasts.
      kept = await releaseUnavailable(db, lease, result.description);
      outcome = this.unavailable(connector, result.description);
    } else {
      kept = await expireRefused(db, lease, now());
      outcome = failed(reauthorize(type, 'expired'));
    }
    await events.publish(refreshTopic(lease.appId, type)).catch(() => undefined);
    return kept ? outcome : undefined;
  }

  /** No new token: the current one while it is valid, else 503 with the reason. */
  private unavailable(connector: Connector, reason: string): Outcome {
    if (this.isValid(connector)) return { ok: true, readable: this.opened(connector) };
    return failed(
      serviceUnavailable(`${connector.type} could not refresh its token: ${reason}`, 'provider_unavailable'),
    );
  }
}

function failed(error: HttpError): Outcome {
  return { ok: false, error };
}

function reauthorize(type: string, state: string): HttpError {
  return new HttpError(
    409,
    `${type} is ${state} and must be authorized again: run \`base44 connectors push\``,
    'connector_needs_authorization',
  );
}
