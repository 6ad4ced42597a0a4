import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { closestMatch } from '@base44-connectors/contract';
import { CliError, ExitCode } from '../../core/errors.js';
import { display, resolveTarget } from '../../core/project.js';
import { ConnectorsApi } from '../../core/resources/connectors/api.js';
import { writeAtomically } from '../../core/resources/connectors/files.js';
import type { CommandContext } from '../context.js';

/** Writes `<type>.jsonc` with the catalog's default scopes, after checking the server offers the type. */
export async function create(
  context: CommandContext,
  flags: { appId?: string; dir?: string },
  type: string,
): Promise<ExitCode> {
  const { environment, output } = context;
  const target = await resolveTarget(environment, flags);
  const { integrations } = await new ConnectorsApi(context.client, target.appId).available();
  const integration = integrations.find((candidate) => candidate.integration_type === type);
  if (!integration) {
    const suggestion = closestMatch(
      type,
      integrations.map((candidate) => candidate.integration_type),
    );
    throw new CliError(
      `Unknown connector type "${type}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}.`,
      'unknown_type',
      ExitCode.invalid,
      ["'base44 connectors list-available' lists them."],
    );
  }
  const file = join(target.connectorsDir, `${type}.jsonc`);
  if (existsSync(file))
    throw new CliError(`${display(environment, file)} already exists.`, 'exists', ExitCode.invalid);
  await mkdir(target.connectorsDir, { recursive: true });
  const scopes = integration.default_scopes ?? [];
  const body = [
    `// ${integration.display_name}: ${integration.description}`,
    '{',
    `  "type": ${JSON.stringify(type)},`,
    `  "scopes": ${JSON.stringify(scopes)}`,
    '}',
    '',
  ].join('\n');
  await writeAtomically(file, body);
  output.line(`Created ${display(environment, file)}. Run 'base44 connectors push' to authorize it.`);
  return ExitCode.ok;
}
