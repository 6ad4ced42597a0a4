import type {
  ApplyRequest,
  ApplyResponse,
  AvailableIntegrationsResponse,
  ConnectionStatusResponse,
  ListIntegrationsResponse,
  PlanRequest,
  PlanResponse,
  UpsertIntegrationResponse,
} from '@base44-connectors/contract';
import type { ApiClient } from '../../http.js';

/** The connector endpoints of one app. */
export class ConnectorsApi {
  constructor(
    private readonly client: ApiClient,
    readonly appId: string,
  ) {}

  private path(rest: string): string {
    return `api/apps/${encodeURIComponent(this.appId)}/external-auth/${rest}`;
  }

  list(): Promise<ListIntegrationsResponse> {
    return this.client.request('get', this.path('list'));
  }

  available(): Promise<AvailableIntegrationsResponse> {
    return this.client.request('get', this.path('available-integrations'));
  }

  put(type: string, scopes: string[]): Promise<UpsertIntegrationResponse> {
    return this.client.request('put', this.path(`integrations/${type}`), { json: { scopes } });
  }

  remove(type: string): Promise<{ status: 'removed'; integration_type: string }> {
    return this.client.request('delete', this.path(`integrations/${type}/remove`));
  }

  /** Answers as soon as the status leaves PENDING, or after `waitSeconds`. */
  status(type: string, connectionId: string, waitSeconds: number): Promise<ConnectionStatusResponse> {
    return this.client.request('get', this.path('status'), {
      searchParams: { integration_type: type, connection_id: connectionId, wait: String(waitSeconds) },
      timeout: (waitSeconds + 15) * 1000,
    });
  }

  plan(request: PlanRequest): Promise<PlanResponse> {
    return this.client.request('post', this.path('plan'), { json: request });
  }

  apply(request: ApplyRequest): Promise<ApplyResponse> {
    return this.client.request('post', this.path('apply'), { json: request, timeout: 120_000 });
  }
}
