import type { Kysely } from 'kysely';
import { z } from 'zod';
import { newId } from '../crypto/random.js';
import type { Database, UsersTable } from '../storage/schema.js';
import { ConflictError, NotFoundError, requireSafeText } from './errors.js';

export type User = Pick<UsersTable, 'id' | 'email' | 'name'>;

export const Email = z.email().max(254);

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createUser(
  db: Kysely<Database>,
  input: { email: string; name?: string | undefined; passwordHash: string },
  now: number,
): Promise<User> {
  const email = normalizeEmail(requireSafeText('email', input.email));
  const name = requireSafeText('name', input.name?.trim() || email.split('@')[0] || email);
  const user = { id: newId(), email, name };
  const inserted = await db
    .insertInto('users')
    .values({ ...user, password_hash: input.passwordHash, created_at: now })
    .onConflict((conflict) => conflict.column('email').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
    throw new ConflictError(`A user with the email ${email} already exists`);
  }
  return user;
}

export async function findUserByEmail(
  db: Kysely<Database>,
  email: string,
): Promise<(User & { passwordHash: string }) | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'password_hash'])
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
  return row && { id: row.id, email: row.email, name: row.name, passwordHash: row.password_hash };
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<User | undefined> {
  return db.selectFrom('users').select(['id', 'email', 'name']).where('id', '=', id).executeTakeFirst();
}

export async function requireUserByEmail(db: Kysely<Database>, email: string): Promise<User> {
  const user = await findUserByEmail(db, email);
  if (!user) throw new NotFoundError(`No user has the email ${normalizeEmail(email)}`);
  return { id: user.id, email: user.email, name: user.name };
}
