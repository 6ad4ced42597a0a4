import { createServiceKey, createWorkspaceKey } from '../../src/accounts/api-keys.js';
import { addMember, createApp } from '../../src/accounts/apps.js';
import { createUser, type User } from '../../src/accounts/users.js';
import { hashPassword } from '../../src/crypto/passwords.js';
import type { Storage } from '../../src/storage/database.js';
import { WebSessions } from '../../src/web/sessions.js';
import { registerSecret } from './secret-scan.js';

export const PASSWORD = 'correct horse battery staple';
registerSecret('the test password', PASSWORD);

/** Builders for the accounts a test needs; every user's password is `PASSWORD`. */
export async function aUser(storage: Storage, email: string): Promise<User> {
  return createUser(storage.db, { email, passwordHash: await hashPassword(PASSWORD) }, Date.now());
}

export async function anApp(storage: Storage, owner: User, members: User[] = []): Promise<string> {
  const app = await createApp(storage.db, 'Test app', owner, Date.now());
  for (const member of members) await addMember(storage.db, app.id, member, Date.now());
  return app.id;
}

export async function aWorkspaceKey(storage: Storage, user: User): Promise<string> {
  const { key } = await createWorkspaceKey(storage.db, user, Date.now());
  registerSecret(`a workspace key of ${user.email}`, key);
  return key;
}

export async function aServiceKey(storage: Storage, appId: string): Promise<string> {
  const { key } = await createServiceKey(storage.db, appId, Date.now());
  registerSecret(`a service key of app ${appId}`, key);
  return key;
}

/**
 * A browser session of `user` as signing in makes one, valid for 12 hours from `now` (the server's
 * clock); returns the `b44_session` cookie value.
 */
export async function aWebSession(storage: Storage, user: User, now: number): Promise<string> {
  const secret = await new WebSessions(storage.db, false, () => now).issue(user);
  registerSecret(`a browser session of ${user.email}`, secret);
  return secret;
}
