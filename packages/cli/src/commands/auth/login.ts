import {
  CLI_CLIENT_ID,
  CLI_SCOPE,
  DEVICE_CODE_GRANT_TYPE,
  DeviceCodeResponse,
  OAuthErrorBody,
  TokenResponse,
  UserInfoResponse,
} from '@base44-connectors/contract';
import { openInBrowser } from '../../core/browser.js';
import { loginServer, readLogin, sameServer, writeLogin } from '../../core/credentials.js';
import { isInteractive } from '../../core/environment.js';
import { CliError, ExitCode } from '../../core/errors.js';
import { printable } from '../../core/printable.js';
import type { CommandContext } from '../context.js';

/** RFC 8628 device login: show the code, open the page, poll until the person approves. */
export async function login(context: CommandContext): Promise<ExitCode> {
  const { environment, output, client } = context;
  const { apiUrl } = environment;
  // A cloned project's .env may point the CLI at any server: say which one asks for the login.
  if (environment.apiUrlFrom === '.env' || environment.apiUrlFrom === '.env.local')
    output.line(`Logging in to ${apiUrl} (BASE44_API_URL from the project's ${environment.apiUrlFrom})`);
  if (!isLoopback(apiUrl) && apiUrl.startsWith('http:'))
    output.line(
      `${output.paint.yellow('!')} ${apiUrl} is plain HTTP: the login's tokens would cross the network unencrypted.`,
    );
  const started = await client.request('post', 'oauth/device/code', DeviceCodeResponse, {
    credentials: 'none',
    json: { client_id: CLI_CLIENT_ID, scope: CLI_SCOPE },
  });
  const page = printable(started.verification_uri);
  output.line(`Open ${page} and enter the code ${output.paint.bold(printable(started.user_code))}`);
  if (isInteractive(environment, false))
    await openInBrowser(started.verification_uri_complete ?? started.verification_uri, environment);
  output.line('Waiting for you to approve in the browser...');

  let interval = started.interval;
  const deadline = Date.now() + started.expires_in * 1000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, interval * 1000));
    const answer = await client.exchange('post', 'oauth/token', {
      credentials: 'none',
      retry: false,
      form: {
        grant_type: DEVICE_CODE_GRANT_TYPE,
        device_code: started.device_code,
        client_id: CLI_CLIENT_ID,
      },
    });
    const error = OAuthErrorBody.safeParse(answer.body).data?.error;
    if (answer.status === 429 || answer.status >= 500) continue;
    if (error === 'authorization_pending') continue;
    if (error === 'slow_down') {
      interval += 5;
      continue;
    }
    if (error === 'access_denied')
      throw new CliError('The login was denied in the browser.', 'access_denied');
    if (error === 'expired_token') break;
    if (answer.status !== 200) throw client.errorOf(answer, 'post', 'oauth/token');
    const tokens = TokenResponse.safeParse(answer.body);
    if (!tokens.success)
      throw new CliError(
        `The server at ${apiUrl} answered the login with tokens this CLI does not understand.`,
        'bad_response',
      );
    const userinfo = await client.request('get', 'oauth/userinfo', UserInfoResponse, {
      credentials: { authorization: `Bearer ${tokens.data.access_token}` },
    });
    const previous = await readLogin(environment.home);
    await writeLogin(environment.home, {
      accessToken: tokens.data.access_token,
      refreshToken: tokens.data.refresh_token,
      expiresAt: Date.now() + tokens.data.expires_in * 1000,
      email: userinfo.email,
      name: userinfo.name || userinfo.email,
      server: apiUrl,
    });
    output.line(`${output.paint.green('✓')} Logged in as ${printable(userinfo.email)} on ${apiUrl}`);
    if (previous && !sameServer(loginServer(previous), apiUrl))
      output.line(
        `  (your login to ${printable(loginServer(previous))} is kept for when BASE44_API_URL points there)`,
      );
    return ExitCode.ok;
  }
  throw new CliError('The code expired before it was approved.', 'expired_token', ExitCode.failed, [
    "Run 'base44 login' again.",
  ]);
}

/** Loopback (and `localhost`): the only hosts where plain HTTP keeps tokens on this machine. */
function isLoopback(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}
