import { deleteLogin } from '../../core/credentials.js';
import { ExitCode } from '../../core/errors.js';
import type { CommandContext } from '../context.js';

export async function logout(context: CommandContext): Promise<ExitCode> {
  const { environment, output } = context;
  const existed = await deleteLogin(environment.home, environment.apiUrl);
  output.line(existed ? `Logged out of ${environment.apiUrl}.` : 'Not logged in: nothing to forget.');
  return ExitCode.ok;
}
