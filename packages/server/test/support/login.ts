import {
  DEVICE_CODE_GRANT_TYPE,
  type DeviceCodeResponse,
  type TokenResponse,
} from '@base44-connectors/contract';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { PASSWORD } from './accounts.js';
import { FormClient } from './browserless.js';
import { registerSecret } from './secret-scan.js';

export async function requestDeviceCode(app: FastifyInstance): Promise<DeviceCodeResponse> {
  const response = await app.inject({
    method: 'POST',
    url: '/oauth/device/code',
    payload: { client_id: 'base44_cli', scope: 'apps:read apps:write sandbox:write' },
  });
  if (response.statusCode !== 200) throw new Error(`device code: ${response.statusCode} ${response.body}`);
  const code: DeviceCodeResponse = response.json();
  registerSecret('a device code', code.device_code);
  return code;
}

/** The tokens of a token endpoint answer, registered with the secrets scan. */
function registerTokens(response: LightMyRequestResponse): LightMyRequestResponse {
  if (response.statusCode === 200) {
    const tokens: TokenResponse = response.json();
    registerSecret('a CLI access token', tokens.access_token);
    registerSecret('a CLI refresh token', tokens.refresh_token);
  }
  return response;
}

export function pollToken(app: FastifyInstance, deviceCode: string) {
  return tokenRequest(app, { grant_type: DEVICE_CODE_GRANT_TYPE, device_code: deviceCode });
}

export function refresh(app: FastifyInstance, refreshToken: string) {
  return tokenRequest(app, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

/** `POST /oauth/token` as the CLI sends it; the tokens it answers are registered for the secrets scan. */
async function tokenRequest(app: FastifyInstance, grant: Record<string, string>) {
  return registerTokens(
    await app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...grant, client_id: 'base44_cli' }).toString(),
    }),
  );
}

/** Signs in on the verification page and approves or denies the user code, as a person would. */
export async function decideInBrowser(
  app: FastifyInstance,
  userCode: string,
  email: string,
  decision: 'approve' | 'deny',
): Promise<FormClient> {
  const browser = new FormClient(app);
  await browser.get(`/device?user_code=${userCode}`);
  const signIn = await browser.post('/device/sign-in', { email, password: PASSWORD, user_code: userCode });
  if (signIn.statusCode !== 303) throw new Error(`sign-in: ${signIn.statusCode}`);
  const confirm = await browser.get(signIn.headers.location as string);
  if (confirm.statusCode !== 200 || !confirm.body.includes('Approve the CLI login?')) {
    throw new Error(`no confirmation page: ${confirm.statusCode} ${confirm.body}`);
  }
  const done = await browser.post('/device/decision', { user_code: userCode, decision });
  if (done.statusCode !== 200) throw new Error(`decision: ${done.statusCode} ${done.body}`);
  return browser;
}

/** The whole device login of one user; returns the token response. */
export async function logIn(app: FastifyInstance, email: string): Promise<TokenResponse> {
  const code = await requestDeviceCode(app);
  await decideInBrowser(app, code.user_code, email, 'approve');
  const response = await pollToken(app, code.device_code);
  if (response.statusCode !== 200) throw new Error(`token: ${response.statusCode} ${response.body}`);
  return response.json();
}
