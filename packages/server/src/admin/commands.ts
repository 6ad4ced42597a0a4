import { createServiceKey, createWorkspaceKey, revokeKey } from '../accounts/api-keys.js';
import { addMember, createApp } from '../accounts/apps.js';
import { createUser, Email, requireUserByEmail } from '../accounts/users.js';
import { Lockouts } from '../auth/lockouts.js';
import { revokeUserLogins } from '../auth/refresh-tokens.js';
import type { ServerConfig } from '../config.js';
import { generatePassword, hashPassword } from '../crypto/passwords.js';
import type { Storage } from '../storage/database.js';
import { addKeyToKeyringFile, loadKeyring } from '../vault/keyring.js';
import { resealAll } from '../vault/rotate.js';
import { Vault } from '../vault/vault.js';
import { passwordGuessKey } from '../web/password-sign-in.js';
import { WebSessions } from '../web/sessions.js';

// The administration commands: each acts on the database and returns the one line it prints.

export class UsageError extends Error {}

export async function addUser(
  storage: Storage,
  input: { email: string; name?: string | undefined; password?: string | undefined },
  now: number,
): Promise<string> {
  const email = Email.safeParse(input.email.trim());
  if (!email.success) throw new UsageError(`--email: "${input.email}" is not an email address`);
  const password = newPassword(input.password);
  const user = await createUser(
    storage.db,
    { email: email.data, name: input.name, passwordHash: await hashPassword(password) },
    now,
  );
  return input.password === undefined ? password : user.id;
}

/**
 * Gives a user a new password (generated unless piped in) and, as after a compromise, ends their
 * browser sessions and CLI logins and forgets the wrong guesses that may have locked them out.
 */
export async function resetPassword(
  storage: Storage,
  config: ServerConfig,
  input: { email: string; password?: string | undefined },
  now: number,
): Promise<string> {
  const user = await requireUserByEmail(storage.db, input.email);
  const password = newPassword(input.password);
  const passwordHash = await hashPassword(password);
  await storage.db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', user.id).execute();
    await new WebSessions(trx, false, () => now, config.sessions).endAllOf(user.id);
    await revokeUserLogins(trx, user.id, now);
  });
  await new Lockouts(storage.db, () => now).clear(passwordGuessKey(user.email));
  return input.password === undefined ? password : user.id;
}

function newPassword(given: string | undefined): string {
  const password = given ?? generatePassword();
  if (password.length < 8) throw new UsageError('The password must be at least 8 characters long');
  return password;
}

/**
 * Ends every login of a user: their browser sessions, and their CLI logins (the refresh token
 * families, and with them the access tokens). Workspace keys are left alone: `keys revoke` ends those.
 */
export async function logoutUser(
  storage: Storage,
  config: ServerConfig,
  input: { email: string },
  now: number,
): Promise<string> {
  const user = await requireUserByEmail(storage.db, input.email);
  const { sessions, logins } = await storage.db.transaction().execute(async (trx) => ({
    sessions: await new WebSessions(trx, false, () => now, config.sessions).endAllOf(user.id),
    logins: await revokeUserLogins(trx, user.id, now),
  }));
  const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
  return (
    `logged out ${user.email}: ended ${plural(sessions, 'browser session')} and ${plural(logins, 'CLI login')}; ` +
    'API keys are left alone (revoke them with `keys revoke`)'
  );
}

export async function createAppFor(
  storage: Storage,
  input: { name: string; owner: string },
  now: number,
): Promise<string> {
  if (!input.name.trim()) throw new UsageError('--name must not be empty');
  const owner = await requireUserByEmail(storage.db, input.owner);
  return (await createApp(storage.db, input.name, owner, now)).id;
}

export async function addAppMember(
  storage: Storage,
  input: { app: string; email: string },
  now: number,
): Promise<string> {
  const user = await requireUserByEmail(storage.db, input.email);
  await addMember(storage.db, input.app, user, now);
  return user.id;
}

export async function createKey(
  storage: Storage,
  input: { email?: string | undefined; service?: boolean | undefined; app?: string | undefined },
  now: number,
): Promise<string> {
  if (input.service) {
    if (!input.app) throw new UsageError('--service needs --app ID');
    if (input.email) throw new UsageError('--service keys belong to an app, not a person: drop --email');
    return (await createServiceKey(storage.db, input.app, now)).key;
  }
  if (!input.email)
    throw new UsageError('keys create needs --email E (a workspace key) or --service --app ID');
  const user = await requireUserByEmail(storage.db, input.email);
  return (await createWorkspaceKey(storage.db, user, now)).key;
}

export async function revoke(storage: Storage, keyId: string, now: number): Promise<string> {
  await revokeKey(storage.db, keyId, now);
  return `revoked ${keyId.replace(/_[A-Za-z0-9_-]{43}$/, '_…')}`;
}

/**
 * Makes a new current encryption key (in the data directory's key file, unless the keys come from
 * the environment, where the operator puts the new key first) and re-seals every stored secret with it.
 */
export async function rotateEncryption(storage: Storage, config: ServerConfig): Promise<string> {
  const keyring = config.encryptionKeys
    ? loadKeyring(config.dataDir, config.encryptionKeys)
    : addKeyToKeyringFile(config.dataDir);
  const count = await resealAll(storage.db, new Vault(keyring));
  return `re-encrypted ${count} secret${count === 1 ? '' : 's'} with key ${keyring.currentId}`;
}
