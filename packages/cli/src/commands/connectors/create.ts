import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { closestMatch, STRIPE_TYPE } from '@base44-connectors/contract';
import { CliError, ExitCode } from '../../core/errors.js';
import { printable } from '../../core/printable.js';
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
  const file = join(target.connectorsDir, `${type}.jsonc`);
  if (existsSync(file))
    throw new CliError(`${display(environment, file)} already exists.`, 'exists', ExitCode.invalid);
  const body = type === STRIPE_TYPE ? STRIPE_FILE : await catalogFile(context, target.appId, type);
  await mkdir(target.connectorsDir, { recursive: true });
  await writeAtomically(file, body);
  output.line(`Created ${display(environment, file)}. Run 'base44 connectors push' to authorize it.`);
  return ExitCode.ok;
}

/** Stripe is provisioned by the server (the Base44 cloud), not authorized with scopes; no catalog lists it. */
const STRIPE_FILE = '// Stripe: provisioned by the server on push, no scopes\n{\n  "type": "stripe"\n}\n';

/** The file of a catalog type, with its default scopes; an unknown type is refused with the closest one. */
async function catalogFile(context: CommandContext, appId: string, type: string): Promise<string> {
  const { integrations } = await new ConnectorsApi(context.client, appId).available();
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
  // The server's words go into a comment: escaped, a newline cannot end it.
  return [
    `// ${printable(integration.display_name)}: ${printable(integration.description)}`,
    '{',
    `  "type": ${JSON.stringify(type)},`,
    `  "scopes": ${JSON.stringify(integration.default_scopes ?? [])}`,
    '}',
    '',
  ].join('\n');
}
