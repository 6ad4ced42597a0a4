import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ProviderEntryInput } from '@base44-connectors/contract';
import { createSandboxProvider } from '@base44-connectors/sandbox';
import { registerSecret } from './secret-scan.js';
import { freePort } from './server.js';

/** How the token or revocation endpoint misbehaves. */
export type EndpointFault =
  /** 500 with a plain-text body. */
  | 'status_500'
  /** No answer at all (until the provider closes). */
  | 'silent'
  /** 200 with a body that is not JSON. */
  | 'not_json'
  /** 200 with a JSON object that holds no access token. */
  | 'no_access_token'
  /** 400 `invalid_grant`, as a refused code or refresh token. */
  | 'invalid_grant';

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
  /** Makes the token endpoint misbehave this way until called with undefined. */
  breakTokenEndpoint(fault: EndpointFault | undefined): void;
  /** Makes the revocation endpoint misbehave this way until called with undefined. */
  breakRevocationEndpoint(fault: EndpointFault | undefined): void;
  /** Makes the token endpoint wait this long before it answers (or misbehaves); 0 to answer at once. */
  delayTokenEndpoint(ms: number): void;
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
  registerSecret(`the client secret of ${type}`, credentials.clientSecret);
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
  let tokenFault: EndpointFault | undefined;
  let revocationFault: EndpointFault | undefined;
  let tokenDelayMs = 0;
  const isPost = (request: IncomingMessage, endpoint: string) =>
    request.method === 'POST' && request.url?.startsWith(new URL(endpoint).pathname);
  const http: Server = createServer((request, response) => {
    // The revocation endpoint's path starts with the token endpoint's: it counts, and may fail, as both.
    const toToken = isPost(request, provider.endpoints.token);
    const faults = { token: toToken ? tokenFault : undefined, revocation: revocationFault };
    const answer = () => {
      if (faults.token) return misbehave(faults.token, response);
      if (isPost(request, provider.endpoints.revocation) && faults.revocation) {
        return misbehave(faults.revocation, response);
      }
      provider.handle(request, response);
    };
    if (toToken) tokenRequests++;
    if (toToken && tokenDelayMs > 0) setTimeout(answer, tokenDelayMs);
    else answer();
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
    failTokenEndpoint: (failing) => {
      tokenFault = failing ? 'status_500' : undefined;
    },
    breakTokenEndpoint: (fault) => {
      tokenFault = fault;
    },
    breakRevocationEndpoint: (fault) => {
      revocationFault = fault;
    },
    delayTokenEndpoint: (ms) => {
      tokenDelayMs = ms;
    },
    close: () =>
      new Promise((resolve) => {
        http.closeAllConnections(); // ends the requests a silent endpoint still holds
        http.close(() => resolve());
      }),
  };
}

function misbehave(fault: EndpointFault, response: ServerResponse): void {
  const json = { 'content-type': 'application/json' };
  switch (fault) {
    case 'status_500':
      response.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      return;
    case 'silent':
      return;
    case 'not_json':
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Maintenance</body></html>');
      return;
    case 'no_access_token':
      response.writeHead(200, json).end(JSON.stringify({ token_type: 'Bearer', expires_in: 3600 }));
      return;
    case 'invalid_grant':
      response
        .writeHead(400, json)
        .end(JSON.stringify({ error: 'invalid_grant', error_description: 'grant request is invalid' }));
  }
}
