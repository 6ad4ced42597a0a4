import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import {
  createSandboxProvider,
  type SandboxClient,
  type SandboxOptions,
  type SandboxProvider,
} from '../../src/index.js';
import { Browser, formAction, isPage, type Page, type Redirect } from './browser.js';

export const MOUNT_PATH = '/sandbox';
export const CLIENT_ID = 'base44-broker';
export const CLIENT_SECRET = 'broker-secret-for-tests';

export interface RunningSandbox {
  /** http://127.0.0.1:PORT */
  origin: string;
  issuer: string;
  redirectUri: string;
  sandbox: SandboxProvider;
  client: SandboxClient;
  close(): Promise<void>;
}

/**
 * A plain node:http server on a free loopback port with the sandbox mounted at /sandbox, the way
 * base44-server mounts it. `/callback` stands for the client's redirect URI. `issuerFor` may name another
 * issuer for the server's origin (another scheme, as behind a TLS-terminating proxy).
 */
export async function startSandbox(
  options: Partial<Omit<SandboxOptions, 'issuer'>> = {},
  issuerFor: (origin: string) => string = (origin) => `${origin}${MOUNT_PATH}`,
): Promise<RunningSandbox> {
  let sandbox: SandboxProvider | undefined;
  const server = createServer((req, res) => {
    if (sandbox && req.url?.startsWith(MOUNT_PATH)) {
      sandbox.handle(req, res);
      return;
    }
    res.writeHead(req.url?.startsWith('/callback') ? 200 : 404, { 'Content-Type': 'text/plain' });
    res.end('client');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = issuerFor(origin);
  const redirectUri = `${origin}/callback`;
  const client: SandboxClient = {
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [redirectUri],
  };
  sandbox = await createSandboxProvider({ issuer, clients: [client], ...options });
  return { origin, issuer, redirectUri, sandbox, client, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

/** The authorization server as the broker describes it to oauth4webapi, from the sandbox's endpoints. */
export function authorizationServer(running: RunningSandbox): oauth.AuthorizationServer {
  const { endpoints } = running.sandbox;
  return {
    issuer: running.issuer,
    authorization_endpoint: endpoints.authorization,
    token_endpoint: endpoints.token,
    revocation_endpoint: endpoints.revocation,
    userinfo_endpoint: endpoints.userinfo,
    authorization_response_iss_parameter_supported: true,
  };
}

export const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

export interface AuthorizationRequest {
  scope: string;
  state: string;
  codeVerifier: string;
  url: string;
}

/** An authorization request with PKCE S256, as the broker builds it; `change` edits its parameters. */
export async function authorizationRequest(
  running: RunningSandbox,
  scope: string,
  change: (params: URLSearchParams) => void = () => {},
): Promise<AuthorizationRequest> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(running.sandbox.endpoints.authorization);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: running.redirectUri,
    scope,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  }).toString();
  change(url.searchParams);
  return { scope, state, codeVerifier, url: url.href };
}

/** A person in a browser: opens the authorization URL, signs in with `email`, then allows or denies. */
export class Person {
  readonly browser = new Browser();

  constructor(private readonly running: RunningSandbox) {}

  open(url: string): Promise<Page | Redirect> {
    return this.browser.visit(url, this.running.issuer);
  }

  submit(page: Page, form: Readonly<Record<string, string>>): Promise<Page | Redirect> {
    const action = formAction(page);
    return this.browser.visit(action, this.running.issuer, () => this.browser.post(action, form));
  }

  /** Runs the pages through to the redirect back to the client; returns the redirect and the pages seen. */
  async authorize(
    request: AuthorizationRequest,
    { email = 'ada@example.com', decision = 'allow' }: { email?: string; decision?: 'allow' | 'deny' } = {},
  ): Promise<{ callback: URL; signIn: Page; consent: Page }> {
    const signIn = expectPage(await this.open(request.url));
    const consent = expectPage(await this.submit(signIn, { email }));
    const done = await this.submit(consent, { decision });
    if (isPage(done))
      throw new Error(`expected the redirect to the client, got ${done.status}:\n${done.body}`);
    return { callback: new URL(done.redirectedTo), signIn, consent };
  }
}

export function expectPage(result: Page | Redirect): Page {
  if (!isPage(result)) throw new Error(`expected a page, got a redirect to ${result.redirectedTo}`);
  return result;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  scope: string | undefined;
  response: oauth.TokenEndpointResponse;
}

/** Authorizes with `scope` and exchanges the code (client_secret_basic unless told otherwise). */
export async function connect(
  running: RunningSandbox,
  scope: string,
  { email, auth = oauth.ClientSecretBasic(CLIENT_SECRET) }: { email?: string; auth?: oauth.ClientAuth } = {},
): Promise<Tokens> {
  const request = await authorizationRequest(running, scope);
  const { callback } = await new Person(running).authorize(request, email === undefined ? {} : { email });
  return exchangeCode(running, request, callback, auth);
}

export async function exchangeCode(
  running: RunningSandbox,
  request: AuthorizationRequest,
  callback: URL,
  auth: oauth.ClientAuth,
): Promise<Tokens> {
  const as = authorizationServer(running);
  const client = { client_id: CLIENT_ID };
  const params = oauth.validateAuthResponse(as, client, callback, request.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    auth,
    params,
    running.redirectUri,
    request.codeVerifier,
    INSECURE,
  );
  return tokens(await oauth.processAuthorizationCodeResponse(as, client, response));
}

export async function refresh(running: RunningSandbox, refreshToken: string): Promise<Tokens> {
  const as = authorizationServer(running);
  const client = { client_id: CLIENT_ID };
  const auth = oauth.ClientSecretBasic(CLIENT_SECRET);
  const response = await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, INSECURE);
  return tokens(await oauth.processRefreshTokenResponse(as, client, response));
}

export async function revoke(running: RunningSandbox, token: string): Promise<void> {
  const as = authorizationServer(running);
  const auth = oauth.ClientSecretBasic(CLIENT_SECRET);
  const response = await oauth.revocationRequest(as, { client_id: CLIENT_ID }, auth, token, INSECURE);
  await oauth.processRevocationResponse(response);
}

function tokens(response: oauth.TokenEndpointResponse): Tokens {
  if (!response.refresh_token) throw new Error('the token response has no refresh_token');
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    scope: response.scope,
    response,
  };
}

/** Calls the sandbox API route with a bearer token. */
export async function whoami(running: RunningSandbox, accessToken: string): Promise<Response> {
  return fetch(running.sandbox.endpoints.api, { headers: { Authorization: `Bearer ${accessToken}` } });
}
