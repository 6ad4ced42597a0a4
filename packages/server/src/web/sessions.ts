import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { findUserById, type User } from '../accounts/users.js';
import { DEFAULT_SESSION_SETTINGS, type SessionSettings } from '../config.js';
import { hashSecret, newSecret } from '../crypto/random.js';
import type { Database } from '../storage/schema.js';

export const SESSION_COOKIE = 'b44_session';
/** How often a session in use pushes its idle expiry on: at most one write per session this often. */
const SLIDE_EVERY_MS = 5 * 60 * 1000;

/**
 * Browser sign-in sessions: the cookie holds a random secret, the database only its hash. A session
 * ends when unused for the idle timeout (`expires_at`, pushed on as it is used) and, however busy,
 * at the lifetime after its sign-in (`created_at`).
 */
export class WebSessions {
  private readonly idleMs: number;
  private readonly lifetimeMs: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly secureCookies: boolean,
    private readonly now: () => number,
    settings: SessionSettings = DEFAULT_SESSION_SETTINGS,
  ) {
    this.idleMs = settings.idleTimeoutSeconds * 1000;
    this.lifetimeMs = settings.lifetimeSeconds * 1000;
  }

  async current(request: FastifyRequest): Promise<User | undefined> {
    const secret = request.cookies[SESSION_COOKIE];
    if (!secret) return undefined;
    const now = this.now();
    const idHash = hashSecret(secret);
    const session = await this.db
      .selectFrom('web_sessions')
      .select(['user_id', 'expires_at', 'created_at'])
      .where('id_hash', '=', idHash)
      .where('expires_at', '>', now)
      .where('created_at', '>', now - this.lifetimeMs)
      .executeTakeFirst();
    if (!session) return undefined;
    const expiresAt = this.expiry(session.created_at, now);
    if (expiresAt - session.expires_at >= SLIDE_EVERY_MS) {
      await this.db
        .updateTable('web_sessions')
        .set({ expires_at: expiresAt })
        .where('id_hash', '=', idHash)
        .execute();
    }
    return findUserById(this.db, session.user_id);
  }

  /** Ends every session of a user (`users logout`); answers how many were still alive. */
  async endAllOf(userId: string): Promise<number> {
    const now = this.now();
    const alive = await this.db
      .selectFrom('web_sessions')
      .select('id_hash')
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .where('created_at', '>', now - this.lifetimeMs)
      .execute();
    await this.db.deleteFrom('web_sessions').where('user_id', '=', userId).execute();
    return alive.length;
  }

  /** The idle expiry of a session used at `now`, never past its lifetime. */
  private expiry(createdAt: number, now: number): number {
    return Math.min(now + this.idleMs, createdAt + this.lifetimeMs);
  }

  /** Always a fresh session id at sign-in, so an id planted before sign-in is worth nothing. */
  async start(request: FastifyRequest, reply: FastifyReply, user: User): Promise<void> {
    await this.end(request, reply);
    const secret = await this.issue(user);
    // The browser may keep the cookie for the whole lifetime; the server ends the session when idle.
    reply.setCookie(SESSION_COOKIE, secret, { ...this.cookieOptions(), maxAge: this.lifetimeMs / 1000 });
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
        expires_at: this.expiry(now, now),
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
