import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The encryption keys: one current key seals, every listed key can still open what it sealed. */
export interface Keyring {
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
}

interface KeyringFile {
  current: string;
  keys: Record<string, string>;
}

const FILE_NAME = 'encryption-keys.json';
const KEY_BYTES = 32;

/**
 * From the environment (comma-separated base64 keys, the first one current) when given; otherwise
 * from `DATA_DIR/encryption-keys.json` (0600), made with a fresh key on first start.
 */
export function loadKeyring(dataDir: string, fromEnvironment: string | undefined): Keyring {
  if (fromEnvironment) return keyringFromEnvironment(fromEnvironment);
  return toKeyring(readKeyringFile(dataDir) ?? createKeyringFile(dataDir));
}

/** Adds a new current key to the key file, keeping the old ones so existing records still open. */
export function addKeyToKeyringFile(dataDir: string): Keyring {
  const existing = readKeyringFile(dataDir) ?? createKeyringFile(dataDir);
  const id = newKeyId();
  const next: KeyringFile = {
    current: id,
    keys: { ...existing.keys, [id]: randomBytes(KEY_BYTES).toString('base64') },
  };
  const file = join(dataDir, FILE_NAME);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  return toKeyring(next);
}

function keyringFromEnvironment(value: string): Keyring {
  const keys = new Map<string, Buffer>();
  let currentId = '';
  for (const encoded of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new Error(
        `BASE44_SERVER_ENCRYPTION_KEY must hold base64 keys of ${KEY_BYTES} bytes (openssl rand -base64 32)`,
      );
    }
    // The id is derived from the key, so every instance given the same key agrees on it.
    const id = `env-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
    keys.set(id, key);
    currentId ||= id;
  }
  if (!currentId) throw new Error('BASE44_SERVER_ENCRYPTION_KEY is empty');
  return { currentId, keys };
}

function readKeyringFile(dataDir: string): KeyringFile | undefined {
  const file = join(dataDir, FILE_NAME);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as KeyringFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`Cannot read the encryption keys in ${file}: ${(error as Error).message}`);
  }
}

function createKeyringFile(dataDir: string): KeyringFile {
  const id = newKeyId();
  const created: KeyringFile = { current: id, keys: { [id]: randomBytes(KEY_BYTES).toString('base64') } };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, FILE_NAME);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file); // fails rather than replacing a key file another process just made
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKeyringFile(dataDir)!;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
  return created;
}

function toKeyring(file: KeyringFile): Keyring {
  const keys = new Map(
    Object.entries(file.keys).map(([id, encoded]) => [id, Buffer.from(encoded, 'base64')]),
  );
  if (!keys.has(file.current))
    throw new Error(`The encryption key file names a current key (${file.current}) it does not hold`);
  return { currentId: file.current, keys };
}

function newKeyId(): string {
  return `k${randomBytes(4).toString('hex')}`;
}
