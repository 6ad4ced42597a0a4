import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Lockouts } from '../auth/lockouts.js';
import type { ConnectorContext } from '../connectors/context.js';
import type { ServerContext } from '../context.js';
import { DASHBOARD_PATH, isAppId, landingPath, signInPath } from '../web/dashboard-paths.js';
import { lockedMessage, signInWithPassword } from '../web/password-sign-in.js';
import { dashboardAppPages } from './dashboard-app.js';
import { DashboardKit, SignInRequired } from './dashboard-kit.js';
import { memberApps } from './dashboard-views.js';

const SignInForm = z.object({
  email: z.string().max(254).default(''),
  password: z.string().max(1024).default(''),
  app: z.string().max(64).default(''),
});
const SignInQuery = z.object({ app: z.string().max(64).optional() });

// Guessing passwords is slowed per client address and locked out per account, as on the device
// verification page; both forms count against the same account.
const SIGN_IN_LIMIT = { rateLimit: { max: 10, timeWindow: '1 minute' } };

/**
 * The connectors dashboard: server-rendered pages where a member signs in with the same account
 * as `base44 login`, sees the connectors of each app, authorizes or removes them, and reads the
 * app's audit trail. Each page works without JavaScript; every form posts a CSRF token.
 */
export function dashboardPages(connectors: ConnectorContext): FastifyPluginAsync<ServerContext> {
  return async (app, context) => {
    const { db, now } = context;
    const kit = new DashboardKit(context);
    const lockouts = new Lockouts(db, now);

    app.setErrorHandler(async (error: Error, request, reply) => {
      if (error instanceof SignInRequired) return reply.redirect(signInPath(error.appId), 303);
      const { statusCode, code } = error as Error & { statusCode?: number; code?: string };
      const status = statusCode && statusCode < 500 ? statusCode : 500;
      if (status === 500) request.log.error({ err: error }, 'dashboard page failed');
      const csrf = code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET';
      const message = csrf
        ? 'The form expired or did not come from this site. Go back, reload the page and try again.'
        : status === 500
          ? 'Something went wrong on the server.'
          : error.message;
      const title = status === 403 && !csrf ? 'No access' : 'That did not work';
      const user = await kit.sessions.current(request).catch(() => undefined);
      return kit.problem(reply, { user, title, message }, status);
    });

    app.get('/', async (_request, reply) => reply.redirect(DASHBOARD_PATH, 302));

    app.get(DASHBOARD_PATH, async (request, reply) => {
      const user = await kit.requireUser(request);
      return kit.page(reply, 'apps', { user, apps: await memberApps(db, user.id, now()) });
    });

    app.get(`${DASHBOARD_PATH}/sign-in`, async (request, reply) => {
      const wanted = requestedApp(request);
      if (await kit.sessions.current(request)) return reply.redirect(landingPath(wanted), 303);
      return kit.page(reply, 'signIn', { user: undefined, appId: wanted, email: '', error: '' });
    });

    app.post(
      `${DASHBOARD_PATH}/sign-in`,
      { config: SIGN_IN_LIMIT, preHandler: app.csrfProtection },
      async (request, reply) => {
        const parsed = SignInForm.safeParse(request.body ?? {});
        if (!parsed.success) {
          const message = parsed.error.issues
            .map((issue) => `${issue.path.join('.') || 'form'}: ${issue.message}`)
            .join('; ');
          return kit.problem(reply, { user: undefined, title: 'That form is not valid', message }, 400);
        }
        const form = parsed.data;
        const signIn = await signInWithPassword(db, lockouts, form);
        if (!signIn.ok) {
          const retry = { appId: isAppId(form.app) ? form.app : '', email: form.email };
          const locked = signIn.reason === 'locked';
          if (locked) reply.header('retry-after', String(signIn.retryAfterSeconds));
          const error = locked ? lockedMessage(signIn.retryAfterSeconds) : 'Wrong email or password.';
          return kit.page(reply, 'signIn', { user: undefined, ...retry, error }, locked ? 429 : 401);
        }
        await kit.sessions.start(request, reply, signIn.user);
        request.log.info({ userId: signIn.user.id }, 'dashboard sign-in');
        return reply.redirect(landingPath(form.app), 303);
      },
    );

    app.post(`${DASHBOARD_PATH}/sign-out`, { preHandler: app.csrfProtection }, async (request, reply) => {
      await kit.sessions.end(request, reply);
      return reply.redirect(signInPath(), 303);
    });

    await app.register(dashboardAppPages(kit, connectors));
  };
}

/** The app a sign-in page was opened for (`?app=`), when it is a well-formed id. */
function requestedApp(request: FastifyRequest): string {
  const query = SignInQuery.safeParse(request.query);
  const app = query.success ? query.data.app : undefined;
  return isAppId(app) ? app : '';
}
