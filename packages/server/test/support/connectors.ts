import type {
  ApplyResponse,
  AvailableIntegrationsResponse,
  DesiredConnector,
  ListIntegrationsResponse,
  PlanResponse,
  UpsertIntegrationResponse,
} from '@base44-connectors/contract';
import { type Grant, storeGrant } from '../../src/connectors/store.js';
import { loadKeyring } from '../../src/vault/keyring.js';
import { Vault } from '../../src/vault/vault.js';
import { registerLogSecret, registerSecret } from './secret-scan.js';
import type { TestServer } from './server.js';

/**
 * Makes `type` an active connector of the app, as a completed authorization would, without a
 * provider: read scopes, an access token `access-<type>`, no refresh token, unless `grant` says.
 */
export async function anActiveConnector(
  server: Pick<TestServer, 'storage' | 'config' | 'clock'>,
  appId: string,
  type: string,
  grant: Partial<Grant> & { userId: string },
): Promise<void> {
  const scopes = grant.scopes ?? ['read'];
  const vault = new Vault(loadKeyring(server.config.dataDir, undefined));
  const complete: Grant = {
    scopes,
    grantedScopes: scopes,
    accountEmail: null,
    accessToken: `access-${type}`,
    refreshToken: null,
    expiresAt: null,
    connectionConfig: {},
    ...grant,
  };
  await storeGrant(server.storage.db, vault, appId, type, complete, server.clock.now());
}

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

  async put(
    type: string,
    scopes: string[],
    connectionConfig?: Record<string, unknown>,
  ): Promise<UpsertIntegrationResponse> {
    const response = await this.putRaw(type, scopes, connectionConfig);
    if (!response.ok) throw new Error(`PUT ${type}: ${response.status} ${await response.text()}`);
    return (await response.json()) as UpsertIntegrationResponse;
  }

  async availableIntegrations(): Promise<AvailableIntegrationsResponse> {
    const response = await fetch(this.url('available-integrations'), { headers: this.headers });
    if (!response.ok) throw new Error(`GET available-integrations: ${response.status}`);
    return (await response.json()) as AvailableIntegrationsResponse;
  }

  async putRaw(
    type: string,
    scopes: string[],
    connectionConfig?: Record<string, unknown>,
  ): Promise<Response> {
    const body =
      connectionConfig === undefined ? { scopes } : { scopes, connection_config: connectionConfig };
    const response = await fetch(this.url(`integrations/${type}`), {
      method: 'PUT',
      headers: { ...this.headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.ok) registerLinkIds(await response.clone().text());
    return response;
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

  /**
   * Waits for an authorization as the CLI does: long-polls its status until it leaves PENDING,
   * retrying through connection failures (a server restarting); answers the status it settled in.
   */
  async waitUntilSettled(type: string, connectionId: string, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const answer = await this.status(type, connectionId, 5).catch(() => undefined);
      if (answer && answer.status !== 'PENDING') return answer.status;
      if (!answer) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return 'PENDING';
  }

  async list(): Promise<ListIntegrationsResponse> {
    return (await (await this.listRaw()).json()) as ListIntegrationsResponse;
  }

  listRaw(): Promise<Response> {
    return fetch(this.url('list'), { headers: this.headers });
  }

  /** `external-auth/plan`: what pushing these connectors would do. */
  plan(connectors: DesiredConnector[]): Promise<Response> {
    return this.post('plan', { connectors, prune: true });
  }

  /** `external-auth/apply` from the revision a plan was made at. */
  apply(connectors: DesiredConnector[], expectedRevision: number): Promise<Response> {
    return this.post('apply', { connectors, prune: true, expected_revision: expectedRevision });
  }

  /** A push as the CLI makes it: plan, then apply from the planned revision; any answer but 200 throws. */
  async push(connectors: DesiredConnector[]): Promise<ApplyResponse> {
    const planned = await this.plan(connectors);
    if (!planned.ok) throw new Error(`plan: ${planned.status} ${await planned.text()}`);
    const { revision } = (await planned.json()) as PlanResponse;
    const applied = await this.apply(connectors, revision);
    if (!applied.ok) throw new Error(`apply: ${applied.status} ${await applied.text()}`);
    return (await applied.json()) as ApplyResponse;
  }

  private async post(path: string, body: object): Promise<Response> {
    const response = await fetch(this.url(path), {
      method: 'POST',
      headers: { ...this.headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.ok) registerLinkIds(await response.clone().text());
    return response;
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
    const response = await fetch(`${server.url}/api/apps/${appId}/external-auth/tokens/${type}`, {
      headers: { authorization: `Bearer ${serviceKey}`, 'x-app-id': appId },
    });
    if (response.ok) {
      const body = (await response.clone().json()) as { access_token?: string };
      registerSecret(`an access token of ${type}`, body.access_token);
    }
    return response;
  }
}

/**
 * Every authorization link id an answer hands out (`connection_id`, `/oauth/start/{id}`): whoever
 * holds one may complete that pending connection, so no log line may carry it (secret-scan.ts).
 */
export function registerLinkIds(answer: string): void {
  for (const [, id] of answer.matchAll(/"connection_id":"([^"]+)"/g))
    registerLogSecret('a connection_id', id);
  for (const [, id] of answer.matchAll(/\/oauth\/start\/([^"/?#\\]+)/g))
    registerLogSecret('an authorization link id', id);
}

/** What the sandbox's API says about an access token: its account and scopes, or 401. */
export async function sandboxWhoami(server: Pick<TestServer, 'url'>, accessToken: string): Promise<Response> {
  return fetch(`${server.url}/sandbox/api/whoami`, { headers: { authorization: `Bearer ${accessToken}` } });
}
