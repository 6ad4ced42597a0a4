import type { webcrypto } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { newId, newSecret } from '../crypto/random.js';

/** Secrets the server makes on first start and keeps in its data directory (file mode 0600). */
export interface ServerSecrets {
  signingKey: SigningKey;
  /** Signs cookies (the CSRF secret cookie); never leaves the server. */
  cookieSecret: string;
}

export interface SigningKey {
  kid: string;
  privateKey: webcrypto.CryptoKey;
  publicKey: webcrypto.CryptoKey;
}

interface StoredSecrets {
  signingKey: JWK & { kid: string };
  cookieSecret: string;
}

const FILE_NAME = 'server-secrets.json';
export const JWT_ALGORITHM = 'ES256';

export async function loadOrCreateServerSecrets(dataDir: string): Promise<ServerSecrets> {
  const stored = readStored(dataDir) ?? (await createStored(dataDir));
  const { d: _private, ...publicJwk } = stored.signingKey;
  return {
    signingKey: {
      kid: stored.signingKey.kid,
      privateKey: (await importJWK(stored.signingKey, JWT_ALGORITHM)) as webcrypto.CryptoKey,
      publicKey: (await importJWK(publicJwk, JWT_ALGORITHM)) as webcrypto.CryptoKey,
    },
    cookieSecret: stored.cookieSecret,
  };
}

function readStored(dataDir: string): StoredSecrets | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, FILE_NAME), 'utf8')) as StoredSecrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`Cannot read ${join(dataDir, FILE_NAME)}: ${(error as Error).message}`);
  }
}

async function createStored(dataDir: string): Promise<StoredSecrets> {
  const { privateKey } = await generateKeyPair(JWT_ALGORITHM, { extractable: true });
  const stored: StoredSecrets = {
    signingKey: { ...(await exportJWK(privateKey)), kid: newId(), alg: JWT_ALGORITHM },
    cookieSecret: newSecret(),
  };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, FILE_NAME);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    // Two servers starting at once on one data directory must end up with the same secrets:
    // whoever links first wins, the other reads the winner's file.
    writeOnce(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readStored(dataDir)!;
    throw error;
  }
  return stored;
}

/** link() fails with EEXIST instead of replacing the file, unlike rename(). */
function writeOnce(temporary: string, file: string): void {
  try {
    linkSync(temporary, file);
  } finally {
    unlinkSync(temporary);
  }
}
