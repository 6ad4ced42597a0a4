import type { Kysely } from 'kysely';
import { newAppId } from '../crypto/random.js';
import type { AppRole, Database } from '../storage/schema.js';
import { ConflictError, NotFoundError, requireSafeText } from './errors.js';
import type { User } from './users.js';

export interface App {
  id: string;
  name: string;
}

export async function createApp(db: Kysely<Database>, name: string, owner: User, now: number): Promise<App> {
  const app = { id: newAppId(), name: requireSafeText('app name', name).trim() };
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('apps')
      .values({ ...app, created_at: now })
      .execute();
    await trx
      .insertInto('app_members')
      .values({ app_id: app.id, user_id: owner.id, role: 'owner', created_at: now })
      .execute();
  });
  return app;
}

export async function findApp(db: Kysely<Database>, appId: string): Promise<App | undefined> {
  return db.selectFrom('apps').select(['id', 'name']).where('id', '=', appId).executeTakeFirst();
}

export async function addMember(
  db: Kysely<Database>,
  appId: string,
  user: User,
  now: number,
  role: AppRole = 'member',
): Promise<void> {
  if (!(await findApp(db, appId))) throw new NotFoundError(`No app has the id ${appId}`);
  const inserted = await db
    .insertInto('app_members')
    .values({ app_id: appId, user_id: user.id, role, created_at: now })
    .onConflict((conflict) => conflict.columns(['app_id', 'user_id']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
    throw new ConflictError(`${user.email} is already a member of app ${appId}`);
  }
}

export async function isMember(db: Kysely<Database>, appId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('app_members')
    .select('role')
    .where('app_id', '=', appId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}
