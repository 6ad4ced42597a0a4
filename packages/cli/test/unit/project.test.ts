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
      configDir: join(root, 'base44'),
      connectorsDir: join(root, 'base44', 'connectors'),
      appId: APP_ID,
      appFile: join(root, 'base44', '.app.jsonc'),
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

describe('findProject: the flat layout (config.jsonc at the project root)', () => {
  it('finds a flat config.jsonc with .app.jsonc beside it, connectorsDir relative to that folder', async () => {
    const root = await aTempDir();
    await writeFiles(root, { 'config.jsonc': '{"name": "todo"}', '.app.jsonc': `{"id": "${APP_ID}"}` });
    expect(await findProject(await nestedFolder(root))).toEqual({
      root,
      configDir: root,
      connectorsDir: join(root, 'connectors'),
      appId: APP_ID,
      appFile: join(root, '.app.jsonc'),
    });
  });

  it('finds a flat config.json holding a base44 key, without .app.jsonc', async () => {
    const root = await aTempDir();
    await writeFiles(root, { 'config.json': '{"connectorsDir": "oauth"}' });
    expect(await findProject(root)).toMatchObject({
      root,
      connectorsDir: join(root, 'oauth'),
      appId: undefined,
    });
  });

  it("is not hijacked by another tool's config.json: no base44 key and no .app.jsonc beside it", async () => {
    const root = await aTempDir();
    await aProject(root, { appId: APP_ID });
    const tool = join(root, 'tools', 'linter');
    await writeFiles(tool, { 'config.json': '{"name": "linter", "rules": {}}' });
    await writeFiles(join(root, 'tools'), { 'config.json': '["not", "an", "object"]' });
    await writeFiles(join(root, 'web'), { 'config.json': '{ broken' });
    for (const cwd of [tool, join(root, 'tools'), join(root, 'web')])
      expect(await findProject(cwd)).toMatchObject({ root, appId: APP_ID });
  });

  it('prefers base44/config.jsonc to a flat config.jsonc in the same folder', async () => {
    const root = await aTempDir();
    await aProject(root, { appId: APP_ID });
    await writeFiles(root, {
      'config.jsonc': '{"connectorsDir": "flat"}',
      '.app.jsonc': '{"id": "flat-app"}',
    });
    expect(await findProject(root)).toMatchObject({
      configDir: join(root, 'base44'),
      connectorsDir: join(root, 'base44', 'connectors'),
      appId: APP_ID,
    });
  });

  it('from inside base44/, finds the usual layout of the folder above (the root is not base44/)', async () => {
    const root = await aTempDir();
    await aProject(root, { appId: APP_ID, connectors: { 'slack.jsonc': '{"type": "slack"}' } });
    const project = await findProject(join(root, 'base44', 'connectors'));
    expect(project).toMatchObject({ root, configDir: join(root, 'base44'), appId: APP_ID });
  });

  it('names a broken flat config at line:column when .app.jsonc makes it a project', async () => {
    const root = await aTempDir();
    await writeFiles(root, { 'config.jsonc': '{\n  connectorsDir: "x" "y"\n}', '.app.jsonc': '{}' });
    const error = await findProject(root).catch((thrown: unknown) => thrown);
    expect((error as InvalidFilesError).message).toBe(
      "config.jsonc:2:22: invalid JSON5: unexpected character '\\\"'",
    );
  });
});

describe('findProject: JSON5 project files', () => {
  it('reads config and .app files written in JSON5: unquoted keys, single quotes', async () => {
    const root = await aTempDir();
    await writeFiles(root, {
      'base44/config.jsonc': "// JSON5\n{ name: 'todo', connectorsDir: 'oauth', }",
      'base44/.app.jsonc': `{ id: '${APP_ID}' }`,
    });
    expect(await findProject(root)).toMatchObject({
      connectorsDir: join(root, 'base44', 'oauth'),
      appId: APP_ID,
    });
  });

  it('names a JSON5 syntax error in .app.jsonc at its line and column', async () => {
    const root = await aTempDir();
    await writeFiles(root, {
      'base44/config.jsonc': '{}',
      'base44/.app.jsonc': "{\n  id: 'abc',\n  oops\n}",
    });
    const error = await findProject(root).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InvalidFilesError);
    expect((error as InvalidFilesError).message).toBe(
      "base44/.app.jsonc:4:1: invalid JSON5: unexpected character '}'",
    );
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

  it('inside a project, BASE44_APP_ID overrides .app.jsonc (as the public CLI does), and --app-id both', async () => {
    const root = await aTempDir();
    await aProject(root, { appId: APP_ID });
    const environment = aCliEnvironment({ cwd: root, appId: 'from-env' });
    expect((await resolveTarget(environment, {})).appId).toBe('from-env');
    expect((await resolveTarget(environment, { appId: 'from-flag' })).appId).toBe('from-flag');
  });

  it('inside a flat project without .app.jsonc, names where .app.jsonc belongs', async () => {
    const root = await aTempDir();
    await writeFiles(root, { 'config.jsonc': '{"connectorsDir": "connectors"}' });
    const error = await resolveTarget(aCliEnvironment({ cwd: root }), {}).catch((thrown: unknown) => thrown);
    expect((error as UsageError).message).toBe('.app.jsonc is missing, so the app is not known.');
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
