import { IntegrationType } from '@base44-connectors/contract';
import { mayOpen, openInBrowser } from '../../core/browser.js';
import { isInteractive } from '../../core/environment.js';
import { CliError, ExitCode, UsageError } from '../../core/errors.js';
import { printable } from '../../core/printable.js';
import { resolveTarget } from '../../core/project.js';
import { ConnectorsApi } from '../../core/resources/connectors/api.js';
import { awaitAuthorizations, describeUnfinished } from '../../core/resources/connectors/authorizations.js';
import type { CommandContext } from '../context.js';

export interface InitiateFlags {
  integrationType: string;
  /** As given: `--scopes a b`, `--scopes a,b` and `--scopes a --scopes b` are the same. */
  scopes?: string[];
  appId?: string;
  json?: boolean;
  timeout?: number;
}

/** Authorizes one connector, no project needed. */
export async function initiate(context: CommandContext, flags: InitiateFlags): Promise<ExitCode> {
  const { environment, output } = context;
  const type = flags.integrationType;
  if (!IntegrationType.safeParse(type).success)
    throw new UsageError(`--integration-type "${type}" is not a connector type (e.g. slack)`);
  const scopes = (flags.scopes ?? []).flatMap((given) => given.split(/[\s,]+/)).filter(Boolean);
  const target = await resolveTarget(environment, { appId: flags.appId });
  const api = new ConnectorsApi(context.client, target.appId);
  const answer = await api.put(type, scopes);
  if (answer.error) {
    const who = answer.other_user_email
      ? ` (already authorized by ${printable(answer.other_user_email)})`
      : '';
    throw new CliError(
      `Could not initiate ${type}: ${printable(answer.error_message ?? answer.error)}${who}`,
      printable(answer.error),
    );
  }
  if (flags.json) {
    output.json({
      integration_type: type,
      already_authorized: answer.already_authorized,
      redirect_url: answer.redirect_url,
      connection_id: answer.connection_id,
    });
    return ExitCode.ok;
  }
  if (answer.already_authorized || !answer.redirect_url) {
    output.line(`${type} is already authorized with these scopes.`);
    return ExitCode.ok;
  }
  output.line(`Authorize ${type} here: ${printable(answer.redirect_url)}`);
  if (!isInteractive(environment, false)) {
    output.line(
      'Not interactive: open the link above to finish; `base44 connectors status` shows the result.',
    );
    return ExitCode.ok;
  }
  if (!mayOpen(answer.redirect_url, environment.apiUrl))
    output.line("The link does not lead to the server's own pages, so it was not opened. Still waiting.");
  else if (!(await openInBrowser(answer.redirect_url, environment)))
    output.line('No browser could be opened: open the link above. Still waiting.');
  const [outcome] = await awaitAuthorizations(
    api.statusSource(),
    [{ type, connection_id: answer.connection_id }],
    {
      timeoutMs: (flags.timeout ?? 300) * 1000,
      onSettled: () => {},
    },
  );
  if (outcome?.status === 'ACTIVE') {
    output.line(`${output.paint.green('✓')} ${type} authorization complete`);
    return ExitCode.ok;
  }
  output.line(
    `${output.paint.red('✗')} ${type} ${outcome ? printable(describeUnfinished(outcome)) : 'authorization timed out'}`,
  );
  return ExitCode.failed;
}
