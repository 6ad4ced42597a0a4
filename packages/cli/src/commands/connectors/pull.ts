import { existsSync } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { ExitCode } from '../../core/errors.js';
import { display, resolveTarget } from '../../core/project.js';
import { ConnectorsApi, listWithStripe } from '../../core/resources/connectors/api.js';
import { readConnectorFiles, writeConnectorFile } from '../../core/resources/connectors/files.js';
import type { CommandContext } from '../context.js';

/** Makes the local files say what the app has: writes changed ones, deletes files of removed connectors. */
export async function pull(
  context: CommandContext,
  flags: { appId?: string; dir?: string; json?: boolean },
): Promise<ExitCode> {
  const { environment, output } = context;
  const target = await resolveTarget(environment, flags);
  const show = (path: string) => display(environment, path);
  const { integrations } = await listWithStripe(new ConnectorsApi(context.client, target.appId));
  await mkdir(target.connectorsDir, { recursive: true });
  const local = existsSync(target.connectorsDir) ? await readConnectorFiles(target.connectorsDir, show) : [];
  const localByType = new Map(local.map((file) => [file.type, file]));

  const written: string[] = [];
  for (const remote of integrations) {
    const result = await writeConnectorFile(
      target.connectorsDir,
      { type: remote.integration_type, scopes: remote.scopes },
      localByType.get(remote.integration_type),
    );
    if (result === 'written') written.push(remote.integration_type);
  }
  const remoteTypes = new Set(integrations.map((remote) => remote.integration_type));
  const deleted: string[] = [];
  for (const file of local) {
    if (remoteTypes.has(file.type)) continue;
    await unlink(file.path);
    deleted.push(file.type);
  }

  if (written.length > 0) output.line(`Written: ${written.join(', ')}`);
  if (deleted.length > 0) output.line(`Deleted: ${deleted.join(', ')}`);
  if (written.length === 0 && deleted.length === 0) output.line('All connectors are already up to date');
  if (flags.json)
    output.json({ connectors_dir: target.connectorsDir, pulled: integrations.length, written, deleted });
  return ExitCode.ok;
}
