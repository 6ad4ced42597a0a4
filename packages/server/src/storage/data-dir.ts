import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The data directory cannot hold the server's files: named, with the reason, in one line. */
export class DataDirError extends Error {}

/** Less than this free and a start would fail half-way (the first migration alone writes ~300 KiB). */
export const MIN_FREE_BYTES = 1024 * 1024;

/**
 * Makes sure the data directory exists, takes writes and has room, before anything is written
 * into it: a read-only or full disk is then reported as such, instead of as whichever write of
 * the database or the key files happened to fail first.
 */
export function checkDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    // Recursive mkdir reports some failures (a read-only parent) as ENOENT; one level asked alone says why.
    try {
      mkdirSync(dataDir, { mode: 0o700 });
    } catch (precise) {
      const why = (precise as NodeJS.ErrnoException).code === 'ENOENT' ? error : precise;
      throw new DataDirError(`The data directory ${dataDir} cannot be created: ${reason(why)}`);
    }
  }
  const probe = join(dataDir, `.write-check-${process.pid}`);
  try {
    const fd = openSync(probe, 'w', 0o600);
    try {
      writeSync(fd, Buffer.alloc(4096));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new DataDirError(`The data directory ${dataDir} is not writable: ${reason(error)}`);
  } finally {
    rmSync(probe, { force: true });
  }
  const { bavail, bsize } = statfsSync(dataDir);
  if (bavail * bsize < MIN_FREE_BYTES) {
    throw new DataDirError(
      `The data directory ${dataDir} is on a full disk: ${Math.floor((bavail * bsize) / 1024)} KiB free, ` +
        `base44-server needs at least ${MIN_FREE_BYTES / 1024 / 1024} MiB`,
    );
  }
}

/**
 * A failure to write the data directory (the database, the key files) as a DataDirError, or
 * undefined when the error is something else.
 */
export function dataDirProblem(dataDir: string, error: unknown): DataDirError | undefined {
  if (error instanceof DataDirError) return error;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  const known =
    (typeof code === 'string' && (code in REASONS || /^SQLITE_(FULL|READONLY|CANTOPEN|IOERR)/.test(code))) ||
    /database or disk is full|readonly database|unable to open database file|disk I\/O error/.test(text);
  return known
    ? new DataDirError(`The data directory ${dataDir} cannot be written: ${reason(error)}`)
    : undefined;
}

const REASONS: Record<string, string> = {
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a directory',
};

function reason(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && REASONS[code]) return `${REASONS[code]} (${code})`;
  return typeof message === 'string' ? message : String(error);
}
