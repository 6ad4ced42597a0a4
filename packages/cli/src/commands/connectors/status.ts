import { existsSync } from 'node:fs';
import { planPush } from '@base44-connectors/contract';
import { ExitCode } from '../../core/errors.js';
import { printable } from '../../core/printable.js';
import { display, resolveTarget } from '../../core/project.js';
import { ConnectorsApi, listWithStripe } from '../../core/resources/connectors/api.js';
import { readConnectorFiles } from '../../core/resources/connectors/files.js';
import { pushText } from '../../ui/messages/push.js';
import type { CommandContext } from '../context.js';

/** Local files against the app: what push would change, and every connector's health. */
export async function status(
  context: CommandContext,
  flags: { appId?: string; dir?: string; json?: boolean },
): Promise<ExitCode> {
  const { environment, output } = context;
  const target = await resolveTarget(environment, flags);
  const { integrations } = await listWithStripe(new ConnectorsApi(context.client, target.appId));
  const local = existsSync(target.connectorsDir)
    ? await readConnectorFiles(target.connectorsDir, (path) => display(environment, path))
    : undefined;
  const remote = integrations.map((i) => ({
    type: i.integration_type,
    scopes: i.scopes,
    status: i.status,
    userEmail: i.user_email,
    settings: i.settings,
  }));
  const actions = local ? planPush(local, remote, { prune: true }) : [];

  if (flags.json) {
    output.json({
      app_id: target.appId,
      connectors_dir: local ? target.connectorsDir : null,
      actions,
      connectors: integrations,
    });
    return ExitCode.ok;
  }
  output.line(output.paint.bold(`Connectors of app ${target.appId}:`));
  if (integrations.length === 0) output.line('  none');
  const width = Math.max(0, ...integrations.map((i) => i.integration_type.length));
  const stateWidth = Math.max(0, ...integrations.map((i) => (i.state ?? i.status).length));
  for (const connector of integrations) {
    const state = connector.state ?? connector.status;
    const health = (state === 'active' ? output.paint.green : output.paint.yellow)(state.padEnd(stateWidth));
    const account = printable(connector.user_email ?? '-');
    output.line(
      `  ${connector.integration_type.padEnd(width)}  ${health}  ${account}  ${printable(connector.scopes.join(' '))}`,
    );
    const config = configLine(connector.connection_config);
    if (config) output.line(`  ${' '.repeat(width)}  ${output.paint.dim(config)}`);
  }
  output.line();
  if (!local) {
    output.line(`No connectors folder at ${display(environment, target.connectorsDir)}: nothing to compare.`);
    return ExitCode.ok;
  }
  const lines = actions.map(pushText.planLine).filter((line): line is string => line !== undefined);
  output.line(
    lines.length === 0 ? pushText.noChanges : output.paint.bold("What 'base44 connectors push' would do:"),
  );
  for (const line of lines) output.line(`  ${line}`);
  return ExitCode.ok;
}

/** `connection_config team_id=T9TK3CUKW instance_url=…`: what backend code gets beside the token. */
function configLine(config: Record<string, unknown> | undefined): string | undefined {
  const entries = Object.entries(config ?? {});
  if (entries.length === 0) return undefined;
  const shown = entries.map(([name, value]) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return `${printable(name)}=${printable(text ?? '')}`;
  });
  return `connection_config ${shown.join(' ')}`;
}
