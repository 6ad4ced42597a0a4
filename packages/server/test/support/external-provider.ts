import { createServer, type Server } from 'node:http';
import type { ProviderEntryInput } from '@base44-connectors/contract';
import { createSandboxProvider } from '@base44-connectors/sandbox';
import { freePort } from './server.js';

/**
 * A provider that is not the built-in sandbox: an oidc-provider instance on a port of its own,
 * which the server knows only through its configuration (a catalog entry and client credentials),
 * the way a self-hoster adds a real provider.
 */
export interface ExternalProvider {
  type: string;
  entry: ProviderEntryInput;
  credentials: { clientId: string; clientSecret: string };
  credentialsAsForm: { client_id: string; client_secret: string };
  endpoints: { authorization: string; token: string; revocation: string; api: string };
  /** POSTs its token endpoint has answered (code exchanges and refreshes). */
  tokenRequests(): number;
  /** Makes the token endpoint answer 500 until switched back. */
  failTokenEndpoint(failing: boolean): void;
  close(): Promise<void>;
}

export async function startExternalProvider(options: {
  type?: string;
  /** Where the server under test will take callbacks; several instances, several URLs. */
  serverUrl: string | string[];
  clientAuthentication?: 'client_secret_basic' | 'client_secret_post';
  accessTokenTtlSeconds?: number;
}): Promise<ExternalProvider> {
  const type = options.type ?? 'acme';
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}/${type}`;
  const credentials = { clientId: `${type}-client`, clientSecret: `${type}-secret-${port}` };
  const provider = await createSandboxProvider({
    issuer,
    clients: [
      {
        ...credentials,
        redirectUris: [options.serverUrl].flat().map((serverUrl) => `${serverUrl}/oauth/callback`),
      },
    ],
    ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
  });

  let tokenRequests = 0;
  let failing = false;
  const http: Server = createServer((request, response) => {
    if (request.method === 'POST' && request.url?.startsWith(new URL(provider.endpoints.token).pathname)) {
      tokenRequests++;
      if (failing) {
        response.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
        return;
      }
    }
    provider.handle(request, response);
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));

  const entry: ProviderEntryInput = {
    type,
    displayName: 'Acme',
    description: 'A provider configured by the operator',
    docsUrl: 'https://example.com/oauth',
    issuer,
    authorization: { url: provider.endpoints.authorization },
    token: {
      url: provider.endpoints.token,
      clientAuthentication: options.clientAuthentication ?? 'client_secret_post',
      response: {
        accessToken: 'access_token',
        refreshToken: 'refresh_token',
        expiresIn: 'expires_in',
        scope: 'scope',
      },
    },
    userInfo: { url: provider.endpoints.api, emailPath: 'email' },
    revocation: {
      url: provider.endpoints.revocation,
      clientAuthentication: options.clientAuthentication ?? 'client_secret_post',
    },
    scopeSeparator: ' ',
    defaultScopes: ['read'],
    pkce: true,
  };
  return {
    type,
    entry,
    credentials,
    credentialsAsForm: { client_id: credentials.clientId, client_secret: credentials.clientSecret },
    endpoints: provider.endpoints,
    tokenRequests: () => tokenRequests,
    failTokenEndpoint: (next) => {
      failing = next;
    },
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}
