import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnvironment, withEnvFiles } from '../../src/core/environment.js';
import { aProject, aTempDir, writeFiles } from '../support/temp.js';

/** Just what readEnvironment reads of a process: its folder, its variables, its terminals. */
function aProcess(cwd: string, env: Record<string, string>): NodeJS.Process {
  return { cwd: () => cwd, env, stdout: {}, stdin: {} } as unknown as NodeJS.Process;
}

describe('.env and .env.local of the project root', () => {
  it('fills in variables from .env.local over .env, never over the real environment', async () => {
    const root = await aTempDir();
    await writeFiles(root, {
      '.env': 'ONLY_ENV=env\nBOTH=from-env\nREAL=from-env\n',
      '.env.local': 'BOTH=from-local\nREAL=from-local\n# a comment\nQUOTED="a b"\n',
    });
    const real = { REAL: 'real', PATH: '/bin' };
    expect(withEnvFiles(real, root)).toEqual({
      ONLY_ENV: 'env',
      BOTH: 'from-local',
      REAL: 'real',
      QUOTED: 'a b',
      PATH: '/bin',
    });
    expect(real).toEqual({ REAL: 'real', PATH: '/bin' });
  });

  it('keeps a variable set to the empty string in the environment: it is set', async () => {
    const root = await aTempDir();
    await writeFiles(root, { '.env': 'BASE44_APP_ID=from-file\n' });
    expect(withEnvFiles({ BASE44_APP_ID: '' }, root).BASE44_APP_ID).toBe('');
  });

  it('adds nothing when there are no files, or a .env that is a folder', async () => {
    const root = await aTempDir();
    expect(withEnvFiles({ A: '1' }, root)).toEqual({ A: '1' });
    await writeFiles(root, { '.env/inside': 'x' });
    expect(withEnvFiles({ A: '1' }, root)).toEqual({ A: '1' });
  });

  it('reads BASE44_* from the root of the project found from a nested folder, before the environment is read', async () => {
    const root = await aTempDir();
    await aProject(root);
    await writeFiles(root, {
      '.env': 'BASE44_API_URL=http://from-env-file:1/\nBASE44_APP_ID=app-from-env\n',
      '.env.local': 'BASE44_API_KEY=b44k_local\nBASE44_ACCESS_TOKEN=token-local\n',
      'base44/.env': 'BASE44_APP_ID=not-the-root\n',
    });
    const environment = readEnvironment(aProcess(join(root, 'base44', 'connectors'), {}));
    expect(environment).toMatchObject({
      apiUrl: 'http://from-env-file:1',
      appId: 'app-from-env',
      apiKey: 'b44k_local',
      accessToken: 'token-local',
    });
    expect(readEnvironment(aProcess(root, { BASE44_APP_ID: 'real' })).appId).toBe('real');
  });

  it('reads the .env beside a flat config.jsonc, and none outside a project', async () => {
    const root = await aTempDir();
    await writeFiles(root, {
      'config.jsonc': '{}',
      '.app.jsonc': '{"id": "x"}',
      '.env': 'BASE44_APP_ID=flat\n',
    });
    expect(readEnvironment(aProcess(root, {})).appId).toBe('flat');
    const outside = await aTempDir();
    await writeFiles(outside, { '.env': 'BASE44_APP_ID=stray\n' });
    expect(readEnvironment(aProcess(outside, {})).appId).toBeUndefined();
  });
});
