import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, InvalidFilesError, UsageError } from '../../src/core/errors.js';
import { findProject, resolveTarget } from '../../src/core/project.js';
import { aCliEnvironment } from '../support/environment.js';
import { aProject, aTempDir, writeFiles } from '../support/temp.js';

const APP_ID = '0123456789abcdef01234567';

async function nestedFolder(root: string): Promise<string> {
  const nested = join(root, 'src', 'deep', 'er');
  await mkdir(nested, { recursive: true });
  return nested;
}

describe('findProject', () => {
  it('walks up from a nested folder to the folder holding base44/config.jsonc', async () => {
    const root = await aTempDir();
    await aProject(root, { appId: APP_ID });
    const project = await findProject(await nestedFolder(root));
    expect(project).toEqual({
      root,
      base44Dir: join(root, 'base44'),
      connectorsDir: join(root, 'base44', 'connectors'),
      appId: APP_ID,
    });
  });

  it('also finds a project whose config is base44/config.json', async () => {
    const root = await aTempDir();
    await writeFiles(root, { 'base44/config.json': '{}', 'base44/.app.json': `{"id": "${APP_ID}"}` });
    expect(await findProject(root)).toMatchObject({ root, appId: APP_ID });
  });

  it('reads connectorsDir from the config, relative to the base44 folder', async () => {
    const root = await aTempDir();
    await aProject(root, { appId: APP_ID, connectorsDir: '../integrations/oauth' });
    expect((await findProject(root))?.connectorsDir).toBe(join(root, 'integrations', 'oauth'));
  });

  it('reads the app id from base44/.app.jsonc, comments and all', async () => {
    const root = await aTempDir();
    await writeFiles(root, {
      'base44/config.jsonc': '{}',
      'base44/.app.jsonc': `// written by base44 link\n{\n  "id": "${APP_ID}",\n}\n`,
    });
    expect((await findProject(root))?.appId).toBe(APP_ID);
  });

  it('knows no app id when .app.jsonc is missing', async () => {
    const root = await aTempDir();
    await aProject(root);
    expect((await findProject(root))?.appId).toBeUndefined();
  });

  it('finds no project outside of one', async () => {
    expect(await findProject(await aTempDir())).toBeUndefined();
  });

  it('names the config file and where it is broken', async () => {
    const root = await aTempDir();
    await writeFiles(root, { 'base44/config.jsonc': '{\n  "connectorsDir": \n}' });
    const error = await findProject(root).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InvalidFilesError);
    expect((error as InvalidFilesError).message).toMatch(/^base44\/config\.jsonc:3:1: invalid JSON/);
  });
});

describe('resolveTarget', () => {
  it("inside a project: the project's app and connectors folder, from a nested folder", async () => {
    const root = await aTempDir();
    await aProject(root, { appId: APP_ID });
    const target = await resolveTarget(aCliEnvironment({ cwd: await nestedFolder(root) }), {});
    expect(target).toMatchObject({ appId: APP_ID, connectorsDir: join(root, 'base44', 'connectors') });
    expect(target.project?.root).toBe(root);
  });

  it("inside a project, --app-id overrides the app id only, not the project's connectors folder", async () => {
    const root = await aTempDir();
    await aProject(root, { appId: APP_ID, connectorsDir: 'conn' });
    const target = await resolveTarget(aCliEnvironment({ cwd: root }), { appId: 'other-app' });
    expect(target).toMatchObject({ appId: 'other-app', connectorsDir: join(root, 'base44', 'conn') });
  });

  it('inside a project without .app.jsonc, --app-id supplies the app', async () => {
    const root = await aTempDir();
    await aProject(root);
    expect((await resolveTarget(aCliEnvironment({ cwd: root }), { appId: 'given' })).appId).toBe('given');
  });

  it('inside a project without .app.jsonc and without --app-id, is a usage error naming the file', async () => {
    const root = await aTempDir();
    await aProject(root);
    const error = await resolveTarget(aCliEnvironment({ cwd: root }), {}).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.invalid);
    expect((error as UsageError).message).toContain('.app.jsonc');
    expect((error as UsageError).hints.join(' ')).toContain('--app-id');
  });

  it('without a project, takes --app-id and ./connectors', async () => {
    const cwd = await aTempDir();
    const target = await resolveTarget(aCliEnvironment({ cwd }), { appId: APP_ID });
    expect(target).toEqual({ appId: APP_ID, connectorsDir: join(cwd, 'connectors'), project: undefined });
  });

  it('without a project, takes BASE44_APP_ID and --dir relative to the working directory', async () => {
    const cwd = await aTempDir();
    const target = await resolveTarget(aCliEnvironment({ cwd, appId: APP_ID }), { dir: 'oauth/conns' });
    expect(target).toMatchObject({ appId: APP_ID, connectorsDir: join(cwd, 'oauth', 'conns') });
  });

  it('prefers --app-id to BASE44_APP_ID without a project', async () => {
    const cwd = await aTempDir();
    const target = await resolveTarget(aCliEnvironment({ cwd, appId: 'from-env' }), { appId: 'from-flag' });
    expect(target.appId).toBe('from-flag');
  });

  it('without a project and without an app id, is a usage error with hints on both ways out', async () => {
    const cwd = await aTempDir();
    const error = await resolveTarget(aCliEnvironment({ cwd }), {}).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UsageError);
    const usage = error as UsageError;
    expect(usage.exitCode).toBe(ExitCode.invalid);
    expect(usage.message).toContain(cwd);
    expect(usage.message).toContain('base44/config.jsonc');
    const hints = usage.hints.join('\n');
    expect(hints).toContain('--app-id');
    expect(hints).toContain('BASE44_APP_ID');
    expect(hints).toContain('--dir');
  });
});
