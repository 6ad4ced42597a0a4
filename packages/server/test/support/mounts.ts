import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// Real full and read-only disks for tests: a small tmpfs, a read-only bind mount. Both need
// root (or CAP_SYS_ADMIN); the file permission bits would not stop root from writing.

let probed: string | undefined | null = null;

/** Why mounts cannot be made here, else undefined; tries once. */
export function mountsUnavailable(): string | undefined {
  if (probed !== null) return probed;
  const dir = mkdtempSync(join(tmpdir(), 'base44-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
    execFileSync('umount', [dir], { stdio: 'pipe' });
    probed = undefined;
  } catch (error) {
    probed = `cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): ${(error as Error).message.split('\n')[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return probed;
}

export interface Mounted {
  dir: string;
  /** Unmounts (and removes the mount point of a tmpfs). */
  dispose(): Promise<void>;
}

/** A tmpfs of `sizeKiB` on a new temp folder: a disk that really fills up. */
export async function aSmallDisk(sizeKiB: number): Promise<Mounted> {
  const dir = await mkdtemp(join(tmpdir(), 'base44-small-disk-'));
  await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0755`, 'tmpfs', dir]);
  let disposed: Promise<void> | undefined;
  return {
    dir,
    dispose: () =>
      (disposed ??= run('umount', [dir])
        .catch(() => undefined)
        .then(() => rm(dir, { recursive: true, force: true }))),
  };
}

/** `dir` made read-only in place by a read-only bind mount over it, until disposed. */
export async function readOnly(dir: string): Promise<Mounted> {
  await run('mount', ['--bind', dir, dir]);
  try {
    await run('mount', ['-o', 'remount,bind,ro', dir]);
  } catch (error) {
    await run('umount', [dir]);
    throw error;
  }
  let unmounted: Promise<void> | undefined;
  return { dir, dispose: () => (unmounted ??= run('umount', [dir]).then(() => undefined)) };
}

/** Writes `file` until the disk refuses (ENOSPC), leaving `keepFreeKiB` (roughly) free. */
export async function fillUp(
  file: string,
  options: { keepFreeKiB?: number; diskKiB: number },
): Promise<void> {
  const handle = await open(file, 'w');
  const chunk = Buffer.alloc(4096);
  let written = 0;
  const limit =
    options.keepFreeKiB === undefined
      ? Number.POSITIVE_INFINITY
      : (options.diskKiB - options.keepFreeKiB) * 1024;
  try {
    while (written + chunk.length <= limit) {
      await handle.write(chunk);
      written += chunk.length;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await handle.close();
  }
}
