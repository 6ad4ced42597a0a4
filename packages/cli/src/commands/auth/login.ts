import {
  CLI_CLIENT_ID,
  CLI_SCOPE,
  DEVICE_CODE_GRANT_TYPE,
  DeviceCodeResponse,
  TokenResponse,
  UserInfoResponse,
} from '@base44-connectors/contract';
import { openInBrowser } from '../../core/browser.js';
import { unreachable, writeLogin } from '../../core/credentials.js';
import { isInteractive } from '../../core/environment.js';
import { CliError, ExitCode } from '../../core/errors.js';
import type { CommandContext } from '../context.js';

/** RFC 8628 device login: show the code, open the page, poll until the person approves. */
export async function login(context: CommandContext): Promise<ExitCode> {
  const { environment, output } = context;
  const { apiUrl } = environment;
  const started = DeviceCodeResponse.parse(
    await post(apiUrl, '/oauth/device/code', { client_id: CLI_CLIENT_ID, scope: CLI_SCOPE }, 'json'),
  );
  output.line(`Open ${started.verification_uri} and enter the code ${output.paint.bold(started.user_code)}`);
  if (isInteractive(environment, false)) await openInBrowser(started.verification_uri_complete, environment);
  output.line('Waiting for you to approve in the browser...');

  let interval = started.interval;
  const deadline = Date.now() + started.expires_in * 1000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, interval * 1000));
    const answer = await post(
      apiUrl,
      '/oauth/token',
      { grant_type: DEVICE_CODE_GRANT_TYPE, device_code: started.device_code, client_id: CLI_CLIENT_ID },
      'form',
    );
    const error = (answer as { error?: string }).error;
    if (error === 'authorization_pending') continue;
    if (error === 'slow_down') {
      interval += 5;
      continue;
    }
    if (error === 'access_denied')
      throw new CliError('The login was denied in the browser.', 'access_denied');
    if (error === 'expired_token') break;
    if (error) throw new CliError(`The server refused the login: ${error}`, error);
    const tokens = TokenResponse.parse(answer);
    const userinfo = UserInfoResponse.parse(await get(apiUrl, '/oauth/userinfo', tokens.access_token));
    await writeLogin(environment.home, {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      expiresAt: Date.now() + tokens.expires_in * 1000,
      email: userinfo.email,
      name: userinfo.name,
    });
    output.line(`${output.paint.green('✓')} Logged in as ${userinfo.email} on ${apiUrl}`);
    return ExitCode.ok;
  }
  throw new CliError('The code expired before it was approved.', 'expired_token', ExitCode.failed, [
    "Run 'base44 login' again.",
  ]);
}

async function post(
  apiUrl: string,
  path: string,
  body: Record<string, string>,
  encoding: 'json' | 'form',
): Promise<unknown> {
  const response = await request(apiUrl, path, {
    method: 'POST',
    headers: {
      'content-type': encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
    },
    body: encoding === 'json' ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
  return response.json();
}

async function get(apiUrl: string, path: string, accessToken: string): Promise<unknown> {
  return (await request(apiUrl, path, { headers: { authorization: `Bearer ${accessToken}` } })).json();
}

async function request(apiUrl: string, path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(`${apiUrl}${path}`, { ...init, signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    throw unreachable(apiUrl, error);
  }
}
