import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateServerSecrets } from '../../src/auth/server-secrets.js';
import { openStorage } from '../../src/storage/database.js';
import { loadKeyring } from '../../src/vault/keyring.js';
import { aUser } from '../support/accounts.js';
import { createTestDatabase, storageFlags } from '../support/databases.js';
import { aSmallDisk, fillUp, type Mounted, mountsUnavailable, readOnly } from '../support/mounts.js';
import { freePort } from '../support/server.js';
import { runServerCommand, startServerProcess } from '../support/server-process.js';
import { inspectStore } from '../support/store-check.js';

// `base44-server` on a data directory it cannot write: read-only (a read-only bind mount; file
// modes would not stop root) or on a full disk (a small tmpfs, filled up). It refuses with one
// line naming the directory and why, exits 1, and leaves nothing half-written: once the disk
// takes writes again, the same directory starts and its database is whole.

const skipReason = mountsUnavailable();
const OWNER = 'owner@example.com';

describe.skipIf(skipReason !== undefined)('a data directory that cannot be written, at start', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function scratch(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'base44-data-dir-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  function mounted(mount: Mounted): Mounted {
    cleanups.push(() => mount.dispose());
    return mount;
  }

  /** A data directory a server has used: database with one user, key file, secrets. */
  async function aUsedDataDir(dataDir: string): Promise<void> {
    const storage = await openStorage({ dataDir, databaseUrl: undefined });
    await aUser(storage, OWNER);
    await storage.close();
    loadKeyring(dataDir, undefined);
    await loadOrCreateServerSecrets(dataDir);
  }

  async function start(dataDir: string) {
    return runServerCommand(['start', '--data-dir', dataDir, '--port', String(await freePort())]);
  }

  /** Starts a server on it (then stops it), and checks that the database is whole. */
  async function expectStartsAndIsWhole(dataDir: string): Promise<void> {
    const server = await startServerProcess(['--data-dir', dataDir, '--port', String(await freePort())]);
    await server.stop();
    expect((await inspectStore({ dataDir, databaseUrl: undefined }, [])).problems).toEqual([]);
  }

  it('refuses a read-only data directory in one line naming it, exit 1, and leaves every file as it was', async () => {
    const dataDir = await scratch();
    await aUsedDataDir(dataDir);
    const before = await fingerprint(dataDir);
    const mount = mounted(await readOnly(dataDir));

    const refusal = `error: The data directory ${dataDir} is not writable: the file system is read-only (EROFS)\n`;
    expect(await start(dataDir)).toMatchObject({ code: 1, stderr: refusal });
    const admin = await runServerCommand([
      'apps',
      'create',
      '--name',
      'A',
      '--owner',
      OWNER,
      '--data-dir',
      dataDir,
    ]);
    expect(admin).toMatchObject({ code: 1, stderr: refusal });

    await mount.dispose();
    expect(await fingerprint(dataDir)).toEqual(before);
    expect(
      await runServerCommand(['apps', 'create', '--name', 'A', '--owner', OWNER, '--data-dir', dataDir]),
    ).toMatchObject({ code: 0 });
    await expectStartsAndIsWhole(dataDir);
  });

  it('refuses to create a data directory under a read-only one, naming it, and creates nothing', async () => {
    const parent = await scratch();
    const mount = mounted(await readOnly(parent));
    const dataDir = join(parent, 'data');
    expect(await start(dataDir)).toMatchObject({
      code: 1,
      stderr: `error: The data directory ${dataDir} cannot be created: the file system is read-only (EROFS)\n`,
    });
    await mount.dispose();
    expect(await readdir(parent)).toEqual([]);
  });

  it('serves from PostgreSQL with a read-only data directory that already holds its key files', async () => {
    const database = await createTestDatabase('postgres');
    cleanups.push(() => database.dispose());
    loadKeyring(database.dataDir, undefined);
    await loadOrCreateServerSecrets(database.dataDir);
    mounted(await readOnly(database.dataDir));
    const server = await startServerProcess([...storageFlags(database), '--port', String(await freePort())]);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    await server.stop();
  });

  it('refuses a data directory on a full disk in one line naming it, leaves no file behind, and starts once there is room', async () => {
    const disk = mounted(await aSmallDisk(2048));
    const dataDir = join(disk.dir, 'data');
    const filler = join(disk.dir, 'filler');
    await fillUp(filler, { diskKiB: 2048 });

    const refused = await start(dataDir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `error: The data directory ${dataDir} is not writable: no space left on the device (ENOSPC)\n`,
    );
    expect(await filesUnder(disk.dir)).toEqual(['data/', 'filler']);

    await rm(filler);
    await expectStartsAndIsWhole(dataDir);
  });

  it('refuses a data directory with less than 1 MiB free, saying how much there is, and starts once there is room', async () => {
    const disk = mounted(await aSmallDisk(2048));
    const dataDir = join(disk.dir, 'data');
    const filler = join(disk.dir, 'filler');
    await fillUp(filler, { diskKiB: 2048, keepFreeKiB: 512 });

    const refused = await start(dataDir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^error: The data directory ${dataDir} is on a full disk: \\d+ KiB free, base44-server needs at least 1 MiB\\n$`,
      ),
    );
    expect(await filesUnder(disk.dir)).toEqual(['data/', 'filler']);

    await rm(filler);
    await expectStartsAndIsWhole(dataDir);
  });
});

/** Every file under `dir` (folders end in `/`), relative and sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .map((entry) => {
      const relative = join(entry.parentPath, entry.name).slice(dir.length + 1);
      return entry.isDirectory() ? `${relative}/` : relative;
    })
    .sort();
}

/** Each file's name and content hash. */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const file of await filesUnder(dir)) {
    if (file.endsWith('/')) continue;
    hashes[file] = createHash('sha256')
      .update(await readFile(join(dir, file)))
      .digest('hex');
  }
  return hashes;
}
