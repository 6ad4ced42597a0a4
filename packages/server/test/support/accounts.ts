import { createServiceKey, createWorkspaceKey } from '../../src/accounts/api-keys.js';
import { addMember, createApp } from '../../src/accounts/apps.js';
import { createUser, type User } from '../../src/accounts/users.js';
import { hashPassword } from '../../src/crypto/passwords.js';
import type { Storage } from '../../src/storage/database.js';

export const PASSWORD = 'correct horse battery staple';

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
  return (await createWorkspaceKey(storage.db, user, Date.now())).key;
}

export async function aServiceKey(storage: Storage, appId: string): Promise<string> {
  return (await createServiceKey(storage.db, appId, Date.now())).key;
}
