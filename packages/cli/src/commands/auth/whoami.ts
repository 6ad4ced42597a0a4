import { UserInfoResponse } from '@base44-connectors/contract';
import { ExitCode } from '../../core/errors.js';
import type { CommandContext } from '../context.js';

/** Names the account and the server; a stored login is checked against the server. */
export async function whoami(context: CommandContext, flags: { json?: boolean }): Promise<ExitCode> {
  const { environment, output } = context;
  if (environment.apiKey) {
    const shown = `${environment.apiKey.slice(0, 21)}…`;
    if (flags.json) output.json({ via: 'workspace_key', key: shown, server: environment.apiUrl });
    else output.line(`Using the workspace key ${shown} (BASE44_API_KEY) on ${environment.apiUrl}`);
    return ExitCode.ok;
  }
  const userinfo = await context.client.request('get', 'oauth/userinfo', UserInfoResponse);
  if (flags.json)
    output.json({ via: 'login', email: userinfo.email, name: userinfo.name, server: environment.apiUrl });
  else output.line(`Logged in as ${userinfo.email} on ${environment.apiUrl}`);
  return ExitCode.ok;
}
