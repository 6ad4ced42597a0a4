import { ExitCode } from '../../core/errors.js';
import { printable } from '../../core/printable.js';
import { resolveTarget } from '../../core/project.js';
import { ConnectorsApi } from '../../core/resources/connectors/api.js';
import type { CommandContext } from '../context.js';

export async function listAvailable(
  context: CommandContext,
  flags: { appId?: string; json?: boolean },
): Promise<ExitCode> {
  const { output } = context;
  const target = await resolveTarget(context.environment, flags);
  const { integrations } = await new ConnectorsApi(context.client, target.appId).available();
  if (flags.json) {
    output.json({ integrations });
    return ExitCode.ok;
  }
  for (const integration of integrations) {
    const note =
      integration.configured === false ? output.paint.yellow(' (not configured on this server)') : '';
    output.line(
      `${output.paint.bold(printable(integration.display_name))} ${output.paint.dim(integration.integration_type)}${note}`,
    );
    output.line(`  ${printable(integration.description)}`);
    if (integration.default_scopes?.length)
      output.line(`  default scopes: ${printable(integration.default_scopes.join(', '))}`);
    for (const field of integration.connection_config_fields) {
      output.line(
        `  ${printable(field.name)}${field.required ? ' (required)' : ''}: ${printable(field.description)}`,
      );
    }
  }
  output.line(`${integrations.length} integration${integrations.length === 1 ? '' : 's'} available.`);
  return ExitCode.ok;
}
