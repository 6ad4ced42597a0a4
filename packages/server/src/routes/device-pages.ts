import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { User } from '../accounts/users.js';
import { describedCliScopes } from '../auth/cli-scopes.js';
import { decideDeviceAuthorization, findPendingByUserCode, type PendingLookup } from '../auth/device-flow.js';
import { type Attempt, Lockouts, USER_CODE_LOCKOUT } from '../auth/lockouts.js';
import { normalizeUserCode } from '../auth/user-codes.js';
import type { ServerContext } from '../context.js';
import { isHttps } from '../server.js';
import { lockedMessage, signInWithPassword } from '../web/password-sign-in.js';
import { createPageRenderer, type PageName } from '../web/render.js';
import { WebSessions } from '../web/sessions.js';

const SignInForm = z.object({
  email: z.string().max(254).default(''),
  password: z.string().max(1024).default(''),
  user_code: z.string().max(64).default(''),
});
const DecisionForm = z.object({ user_code: z.string().max(64), decision: z.enum(['approve', 'deny']) });

// Guessing user codes and passwords is slowed per client address, and locked out per account
// (src/auth/lockouts.ts): passwords per account guessed, codes per signed-in account guessing.
const SIGN_IN_LIMIT = { rateLimit: { max: 10, timeWindow: '1 minute' } };
const CODE_LOOKUP_LIMIT = { rateLimit: { max: 30, timeWindow: '1 minute' } };

const WRONG_CODE =
  'That code is not valid, or it has expired. Check your terminal, or run `base44 login` again.';

/** The RFC 8628 `verification_uri`: sign in, enter or confirm the user code, approve or deny. */
export const devicePages: FastifyPluginAsync<ServerContext> = async (app, context) => {
  const { db, now } = context;
  const render = createPageRenderer();
  const sessions = new WebSessions(db, isHttps(context.config), now, context.config.sessions);
  const page = (reply: FastifyReply, name: PageName, data: Record<string, unknown>, status = 200) =>
    reply
      .status(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-frame-options', 'DENY')
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      )
      .send(render(name, data));

  const lockouts = new Lockouts(db, now);
  const codeGuesses = (user: User) => `user-code:${user.id}`;

  /** Counts a guess of `user` at a code; the lookup runs only when allowed, and a hit is given back. */
  async function guessCode<T>(
    user: User,
    lookUp: () => Promise<T>,
    hit: (result: T) => boolean,
  ): Promise<{ locked: Extract<Attempt, { allowed: false }> } | { locked: false; result: T }> {
    const attempt = await lockouts.attempt(codeGuesses(user), USER_CODE_LOCKOUT);
    if (!attempt.allowed) return { locked: attempt };
    const result = await lookUp();
    if (hit(result)) await lockouts.release(codeGuesses(user));
    return { locked: false, result };
  }

  /** A form that no page of this server sends: names the field that is wrong. */
  const badForm = (reply: FastifyReply, error: z.ZodError) => {
    const message = error.issues
      .map((issue) => `${issue.path.join('.') || 'form'}: ${issue.message}`)
      .join('; ');
    return page(reply, 'problem', { title: 'That form is not valid', message, againUrl: '/device' }, 400);
  };

  const tooManyCodes = (reply: FastifyReply, retryAfterSeconds: number) => {
    const minutes = Math.ceil(retryAfterSeconds / 60);
    const message = `Too many wrong codes from this account. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
    reply.header('retry-after', String(retryAfterSeconds));
    return page(reply, 'problem', { title: 'Too many wrong codes', message, againUrl: '/device' }, 429);
  };

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'page failed');
    const message =
      error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET'
        ? 'The form expired or did not come from this site. Go back, reload the page and try again.'
        : status === 500
          ? 'Something went wrong on the server.'
          : error.message;
    return page(reply, 'problem', { title: 'That did not work', message, againUrl: '/device' }, status);
  });

  app.get('/device', { config: CODE_LOOKUP_LIMIT }, async (request, reply) => {
    const query = z.object({ user_code: z.string().max(64).optional() }).safeParse(request.query);
    const typed = query.success ? (query.data.user_code ?? '') : '';
    const csrfToken = reply.generateCsrf();
    const user = await sessions.current(request);
    if (!user) return page(reply, 'signIn', { csrfToken, userCode: typed, email: '', error: '' });

    const view = { csrfToken, email: user.email };
    if (!typed) return page(reply, 'enterCode', { ...view, userCode: '', error: '' });
    const userCode = normalizeUserCode(typed);
    if (!userCode) return page(reply, 'enterCode', { ...view, userCode: typed, error: WRONG_CODE }, 400);
    const guess = await guessCode<PendingLookup>(
      user,
      () => findPendingByUserCode(db, userCode, now()),
      (pending) => pending.found,
    );
    if (guess.locked) return tooManyCodes(reply, guess.locked.retryAfterSeconds);
    const pending = guess.result;
    if (!pending.found) return page(reply, 'enterCode', { ...view, userCode: typed, error: WRONG_CODE }, 400);
    // What the login may do, in this server's words: never the scope text the client sent.
    return page(reply, 'confirm', { ...view, userCode: pending.userCode, scopes: describedCliScopes() });
  });

  app.post(
    '/device/sign-in',
    { config: SIGN_IN_LIMIT, preHandler: app.csrfProtection },
    async (request, reply) => {
      const parsed = SignInForm.safeParse(request.body ?? {});
      if (!parsed.success) return badForm(reply, parsed.error);
      const form = parsed.data;
      const signIn = await signInWithPassword(db, lockouts, form);
      if (!signIn.ok) {
        const locked = signIn.reason === 'locked';
        if (locked) reply.header('retry-after', String(signIn.retryAfterSeconds));
        return page(
          reply,
          'signIn',
          {
            csrfToken: reply.generateCsrf(),
            userCode: form.user_code,
            email: form.email,
            error: locked ? lockedMessage(signIn.retryAfterSeconds) : 'Wrong email or password.',
          },
          locked ? 429 : 401,
        );
      }
      await sessions.start(request, reply, signIn.user);
      return reply.redirect(deviceUrl(form.user_code), 303);
    },
  );

  app.post(
    '/device/decision',
    { config: CODE_LOOKUP_LIMIT, preHandler: app.csrfProtection },
    async (request, reply) => {
      const user = await sessions.current(request);
      if (!user) return reply.redirect('/device', 303);
      const parsed = DecisionForm.safeParse(request.body ?? {});
      if (!parsed.success) return badForm(reply, parsed.error);
      const form = parsed.data;
      const userCode = normalizeUserCode(form.user_code);
      const approve = form.decision === 'approve';
      const guess = userCode
        ? await guessCode(
            user,
            () => decideDeviceAuthorization(db, userCode, { approve, userId: user.id }, now()),
            (recorded) => recorded,
          )
        : { locked: false as const, result: false };
      if (guess.locked) return tooManyCodes(reply, guess.locked.retryAfterSeconds);
      if (!guess.result) {
        const message =
          'This code is no longer waiting for approval: it expired or was already used. Run `base44 login` again.';
        return page(reply, 'problem', { title: 'Code expired', message, againUrl: '/device' }, 410);
      }
      request.log.info({ userId: user.id, approved: approve }, 'device login decided');
      return page(reply, 'done', { approved: approve });
    },
  );

  app.post('/device/sign-out', { preHandler: app.csrfProtection }, async (request, reply) => {
    await sessions.end(request, reply);
    return reply.redirect('/device', 303);
  });
};

/** Redirects only ever go to this page, carrying a code in its canonical form: no open redirect. */
function deviceUrl(typedCode: string): string {
  const userCode = normalizeUserCode(typedCode);
  return userCode ? `/device?user_code=${userCode}` : '/device';
}
