import {
  type ApplyRequest,
  ApplyResponse,
  AvailableIntegrationsResponse,
  ConnectionStatusResponse,
  ListIntegrationsResponse,
  type PlanRequest,
  PlanResponse,
  RemoveIntegrationResponse,
  STRIPE_TYPE,
  StripeInstallResponse,
  StripeRemoveResponse,
  StripeStatusResponse,
  UpsertIntegrationResponse,
} from '@base44-connectors/contract';
import { ApiError } from '../../errors.js';
import type { ApiClient } from '../../http.js';
import type { StatusSource } from './authorizations.js';

/** Stripe's provisioning takes its time on the Base44 cloud (the public CLI allows a minute). */
const STRIPE_TIMEOUT_MS = 60_000;

/** The connector endpoints of one app, each answer checked against the contract. */
export class ConnectorsApi {
  constructor(
    readonly client: ApiClient,
    readonly appId: string,
  ) {}

  private path(rest: string): string {
    return `api/apps/${encodeURIComponent(this.appId)}/${rest}`;
  }

  /** The page people see this app's connectors on: ours where the server is ours, the cloud's editor otherwise. */
  dashboardUrl(): string {
    const app = encodeURIComponent(this.appId);
    return this.client.supports('plan')
      ? `${this.client.baseUrl}/dashboard/apps/${app}`
      : `${this.client.baseUrl}/apps/${app}/editor/workspace/app-connections`;
  }

  /** How the authorization waiter reads this app's statuses. */
  statusSource(): StatusSource {
    return {
      status: (type, connectionId, waitSeconds) => this.status(type, connectionId, waitSeconds),
      list: () => this.list(),
      longPolls: () => this.client.supports('status-wait'),
    };
  }

  list() {
    return this.client
      .request('get', this.path('external-auth/list'), ListIntegrationsResponse)
      .catch((error: unknown) => {
        throw explainListRefusal(this.client, error);
      });
  }

  available() {
    return this.client.request(
      'get',
      this.path('external-auth/available-integrations'),
      AvailableIntegrationsResponse,
    );
  }

  /** Without `connectionConfig` the connector keeps the settings it has. */
  put(type: string, scopes: string[], connectionConfig?: Record<string, string>) {
    const json =
      connectionConfig === undefined ? { scopes } : { scopes, connection_config: connectionConfig };
    return this.client.request(
      'put',
      this.path(`external-auth/integrations/${encodeURIComponent(type)}`),
      UpsertIntegrationResponse,
      { json },
    );
  }

  remove(type: string) {
    return this.client.request(
      'delete',
      this.path(`external-auth/integrations/${encodeURIComponent(type)}/remove`),
      RemoveIntegrationResponse,
    );
  }

  /**
   * Where an authorization stands. With `waitSeconds` on a server that long-polls, the answer
   * comes as soon as it leaves PENDING; never retried here: the caller paces its own polls.
   */
  status(type: string, connectionId: string, waitSeconds: number) {
    const longPoll = waitSeconds > 0 && this.client.supports('status-wait');
    return this.client.request('get', this.path('external-auth/status'), ConnectionStatusResponse, {
      searchParams: {
        integration_type: type,
        connection_id: connectionId,
        ...(longPoll ? { wait: String(waitSeconds) } : {}),
      },
      retry: false,
      ...(longPoll ? { timeoutMs: (waitSeconds + 15) * 1000 } : {}),
    });
  }

  plan(request: PlanRequest) {
    return this.client.request('post', this.path('external-auth/plan'), PlanResponse, { json: request });
  }

  apply(request: ApplyRequest) {
    return this.client.request('post', this.path('external-auth/apply'), ApplyResponse, {
      json: request,
      timeoutMs: 120_000,
    });
  }

  stripeStatus() {
    return this.client.request('get', this.path('payments/stripe/status'), StripeStatusResponse, {
      timeoutMs: STRIPE_TIMEOUT_MS,
    });
  }

  installStripe() {
    return this.client.request('post', this.path('payments/stripe/install'), StripeInstallResponse, {
      timeoutMs: STRIPE_TIMEOUT_MS,
    });
  }

  removeStripe() {
    return this.client.request('delete', this.path('payments/stripe'), StripeRemoveResponse, {
      timeoutMs: STRIPE_TIMEOUT_MS,
    });
  }
}

/** The Base44 cloud refuses workspace keys on `external-auth/list`: say so, and what works there. */
function explainListRefusal(client: ApiClient, error: unknown): unknown {
  if (!(error instanceof ApiError) || error.status !== 403 || !client.usesWorkspaceKey) return error;
  return new ApiError(
    403,
    `The server at ${client.baseUrl} does not let a workspace key (BASE44_API_KEY) list an app's connectors: ${error.message}`,
    error.code,
    {
      details: error.details,
      hints: ["Run 'base44 login' and unset BASE44_API_KEY, or set BASE44_ACCESS_TOKEN instead."],
    },
  );
}

/**
 * The app's connectors as a project sees them: the OAuth ones from the list, and Stripe when it
 * is provisioned (its status read beside the list; a server that cannot say has none).
 */
export async function listWithStripe(api: ConnectorsApi): Promise<ListIntegrationsResponse> {
  const stripe = api.stripeStatus().catch(() => undefined);
  const { integrations } = await api.list();
  const status = await stripe;
  if (!status || status.stripe_mode === null) return { integrations };
  return {
    integrations: [
      ...integrations.filter((integration) => integration.integration_type !== STRIPE_TYPE),
      { integration_type: STRIPE_TYPE, status: 'active', scopes: [] },
    ],
  };
}
