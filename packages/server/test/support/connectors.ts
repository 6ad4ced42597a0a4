import type { ListIntegrationsResponse, UpsertIntegrationResponse } from '@base44-connectors/contract';
import type { TestServer } from './server.js';

/** A member's view of the connector API of one app, over real HTTP. */
export class ConnectorApi {
  constructor(
    private readonly server: Pick<TestServer, 'url'>,
    readonly appId: string,
    private readonly headers: Record<string, string>,
  ) {}

  private url(path: string): string {
    return `${this.server.url}/api/apps/${this.appId}/external-auth/${path}`;
  }

  async put(type: string, scopes: string[]): Promise<UpsertIntegrationResponse> {
    const response = await this.putRaw(type, scopes);
    if (!response.ok) throw new Error(`PUT ${type}: ${response.status} ${await response.text()}`);
    return (await response.json()) as UpsertIntegrationResponse;
  }

  putRaw(type: string, scopes: string[]): Promise<Response> {
    return fetch(this.url(`integrations/${type}`), {
      method: 'PUT',
      headers: { ...this.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ scopes }),
    });
  }

  async status(
    type: string,
    connectionId: string,
    waitSeconds = 0,
  ): Promise<{ status: string; failure_reason?: string }> {
    const query = new URLSearchParams({
      integration_type: type,
      connection_id: connectionId,
      wait: String(waitSeconds),
    });
    return (await (await fetch(this.url(`status?${query}`), { headers: this.headers })).json()) as {
      status: string;
      failure_reason?: string;
    };
  }

  async list(): Promise<ListIntegrationsResponse> {
    return (await (
      await fetch(this.url('list'), { headers: this.headers })
    ).json()) as ListIntegrationsResponse;
  }

  async remove(type: string): Promise<Response> {
    return fetch(this.url(`integrations/${type}/remove`), { method: 'DELETE', headers: this.headers });
  }

  /** The token API as backend code calls it, with the app's service key. */
  static async token(
    server: Pick<TestServer, 'url'>,
    appId: string,
    serviceKey: string,
    type: string,
  ): Promise<Response> {
    return fetch(`${server.url}/api/apps/${appId}/external-auth/tokens/${type}`, {
      headers: { authorization: `Bearer ${serviceKey}`, 'x-app-id': appId },
    });
  }
}

/** What the sandbox's API says about an access token: its account and scopes, or 401. */
export async function sandboxWhoami(server: Pick<TestServer, 'url'>, accessToken: string): Promise<Response> {
  return fetch(`${server.url}/sandbox/api/whoami`, { headers: { authorization: `Bearer ${accessToken}` } });
}
