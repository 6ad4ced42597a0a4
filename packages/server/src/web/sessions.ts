import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { findUserById, type User } from '../accounts/users.js';
import { hashSecret, newSecret } from '../crypto/random.js';
import type { Database } from '../storage/schema.js';

export const SESSION_COOKIE = 'b44_session';
const LIFETIME_MS = 12 * 60 * 60 * 1000;

/** Browser sign-in sessions: the cookie holds a random secret, the database only its hash. */
export class WebSessions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secureCookies: boolean,
    private readonly now: () => number,
  ) {}

  async current(request: FastifyRequest): Promise<User | undefined> {
    const secret = request.cookies[SESSION_COOKIE];
    if (!secret) return undefined;
    const session = await this.db
      .selectFrom('web_sessions')
      .select('user_id')
      .where('id_hash', '=', hashSecret(secret))
      .where('expires_at', '>', this.now())
      .executeTakeFirst();
    return session && findUserById(this.db, session.user_id);
  }

  /** Always a fresh session id at sign-in, so an id planted before sign-in is worth nothing. */
  async start(request: FastifyRequest, reply: FastifyReply, user: User): Promise<void> {
    await this.end(request, reply);
    const secret = await this.issue(user);
    reply.setCookie(SESSION_COOKIE, secret, { ...this.cookieOptions(), maxAge: LIFETIME_MS / 1000 });
  }

  /** A new session of `user`; returns the secret its cookie carries. */
  async issue(user: User): Promise<string> {
    const secret = newSecret();
    const now = this.now();
    await this.db
      .insertInto('web_sessions')
      .values({
        id_hash: hashSecret(secret),
        user_id: user.id,
        created_at: now,
        expires_at: now + LIFETIME_MS,
      })
      .execute();
    return secret;
  }

  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const secret = request.cookies[SESSION_COOKIE];
    if (secret) await this.db.deleteFrom('web_sessions').where('id_hash', '=', hashSecret(secret)).execute();
    reply.clearCookie(SESSION_COOKIE, this.cookieOptions());
  }

  /** The same flags on every cookie of the session, the one that clears it included. */
  private cookieOptions() {
    return { httpOnly: true, sameSite: 'lax', secure: this.secureCookies, path: '/' } as const;
  }
}
