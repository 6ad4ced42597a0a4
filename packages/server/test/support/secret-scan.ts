import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StorageLocation } from '../../src/storage/database.js';
import { readTables } from './database-dump.js';

// The secrets scan that runs across the whole suite. Test support registers every token, key,
// password, OAuth code and state it issues or reads; each test server (in process or a
// `base44-server` process) is scanned when it closes: its log lines, the error bodies it sent and
// every column of every table. A secret found in clear fails the test file that closed the server.

/** Shorter values (user codes, ids) are not secrets worth scanning for, and would match by chance. */
const MIN_LENGTH = 12;

/** Secret value → what it is; one registry per test file (Vitest isolates each file's modules). */
const registry = new Map<string, string>();

export function registerSecret(name: string, value: string | null | undefined): void {
  if (typeof value !== 'string' || value.length < MIN_LENGTH || registry.has(value)) return;
  registry.set(value, name);
}

/**
 * Values that work for whoever holds them but are the server's to keep and the owner's to be told:
 * a pending authorization's link id (`connection_id`, the id in `/oauth/start/{id}`). The database
 * holds them as row keys, and their owner's answers carry them; no log line may.
 */
const logOnlyRegistry = new Map<string, string>();

export function registerLogSecret(name: string, value: string | null | undefined): void {
  if (typeof value !== 'string' || value.length < MIN_LENGTH || logOnlyRegistry.has(value)) return;
  logOnlyRegistry.set(value, name);
}

/** The link ids (and other log-only secrets) registered so far, by value. */
export function registeredLogSecrets(): ReadonlyMap<string, string> {
  return logOnlyRegistry;
}

/** For the test that plants a secret on purpose to show the scan finds it. */
export function forgetSecret(value: string): void {
  registry.delete(value);
}

export function registeredSecretCount(): number {
  return registry.size;
}

/** The names of the registered secrets `text` holds, as they are or URL-encoded. */
export function secretsIn(text: string, registries: readonly Map<string, string>[] = [registry]): string[] {
  const found: string[] = [];
  for (const secrets of registries) {
    for (const [value, name] of secrets) {
      if (text.includes(value) || text.includes(encodeURIComponent(value))) found.push(name);
    }
  }
  return found;
}

/** Where a secret was seen in clear: `log line 12`, `error body of GET /x`, `table users.name`. */
export interface Finding {
  secret: string;
  where: string;
}

export function scanTexts(texts: readonly string[], describe: (index: number) => string): Finding[] {
  if (registry.size === 0) return [];
  return texts.flatMap((text, index) =>
    secretsIn(text).map((secret) => ({ secret, where: describe(index) })),
  );
}

/** Log lines: every secret, and the log-only ones too (link ids). */
export function scanLogLines(lines: readonly string[], describe: (index: number) => string): Finding[] {
  return lines.flatMap((text, index) =>
    secretsIn(text, [registry, logOnlyRegistry]).map((secret) => ({ secret, where: describe(index) })),
  );
}

/** Every value of every table, read over a connection of its own (the server may be closed). */
export async function scanDatabase(location: StorageLocation): Promise<Finding[]> {
  if (registry.size === 0) return [];
  const tables = await readTables(location);
  const findings: Finding[] = [];
  for (const [table, rows] of tables) {
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        if (value === null || value === undefined) continue;
        for (const secret of secretsIn(String(value))) findings.push({ secret, where: `${table}.${column}` });
      }
    }
  }
  return findings;
}

export class SecretsInClear extends Error {
  constructor(server: string, findings: readonly Finding[]) {
    const unique = [...new Set(findings.map((finding) => `${finding.secret} in ${finding.where}`))];
    super(`${server} kept secrets in clear:\n  ${unique.join('\n  ')}`);
  }
}

/** The secrets a data directory holds: the cookie secret, the JWT signing key, the encryption keys. */
export function registerDataDirSecrets(dataDir: string): void {
  const read = (file: string) => {
    const path = join(dataDir, file);
    return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
  };
  const server = read('server-secrets.json') as
    | { cookieSecret: string; signingKey: { d?: string } }
    | undefined;
  registerSecret('the cookie secret', server?.cookieSecret);
  registerSecret('the private part of the signing key', server?.signingKey.d);
  const keyring = read('encryption-keys.json') as { keys: Record<string, string> } | undefined;
  for (const [id, key] of Object.entries(keyring?.keys ?? {})) registerSecret(`encryption key ${id}`, key);
}
