import { CLI_CLIENT_ID } from '@base44-connectors/contract';
import { deleteLogin, readLoginFor } from '../../core/credentials.js';
import { ExitCode } from '../../core/errors.js';
import type { CommandContext } from '../context.js';

/**
 * Ends the login at the server (RFC 7009 revocation of its refresh token, which ends its access
 * tokens too), then forgets it. A server without revocation, or one out of reach, cannot keep the
 * login from being forgotten here.
 */
export async function logout(context: CommandContext): Promise<ExitCode> {
  const { environment, output, client } = context;
  const login = await readLoginFor(environment.home, environment.apiUrl);
  let revoked = false;
  if (login) {
    revoked = await client
      .exchange('post', 'oauth/revoke', {
        credentials: 'none',
        retry: false,
        timeoutMs: 10_000,
        form: { token: login.refreshToken, token_type_hint: 'refresh_token', client_id: CLI_CLIENT_ID },
      })
      .then((answer) => answer.status === 200)
      .catch(() => false);
  }
  const existed = await deleteLogin(environment.home, environment.apiUrl);
  if (!existed) output.line('Not logged in: nothing to forget.');
  else if (revoked) output.line(`Logged out of ${environment.apiUrl}.`);
  else output.line(`Logged out of ${environment.apiUrl} (the server did not confirm it revoked the login).`);
  return ExitCode.ok;
}
