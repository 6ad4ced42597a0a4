import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../accounts/users.js';
import type { ServerContext } from '../context.js';
import { isHttps } from '../server.js';
import { isAppId } from '../web/dashboard-paths.js';
import { createDashboardRenderer, type DashboardPage } from '../web/dashboard-render.js';
import { WebSessions } from '../web/sessions.js';
import { findMemberApp, type MemberApp } from './dashboard-views.js';

/** Thrown by a page that needs a signed-in user; the dashboard answers with the sign-in page. */
export class SignInRequired extends Error {
  constructor(readonly appId?: string) {
    super('Sign in first');
  }
}

/** An app page for someone who is not a member, or for an app that does not exist: both look alike. */
export class NoAccess extends Error {
  readonly statusCode = 403;
  constructor() {
    super('You have no access to this app, or there is no such app.');
  }
}

// Forms post only to this origin, but the authorize form's answer leads on to the provider's
// consent page, and browsers check `form-action` along redirects: so no `form-action` here.
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
};

/** What every dashboard route shares: the session, the membership check and the page renderer. */
export class DashboardKit {
  readonly sessions: WebSessions;
  private readonly render = createDashboardRenderer();

  constructor(private readonly context: ServerContext) {
    this.sessions = new WebSessions(
      context.db,
      isHttps(context.config),
      context.now,
      context.config.sessions,
    );
  }

  /** Sends a page; `user` shows who is signed in (and the sign-out button) in the header. */
  page(
    reply: FastifyReply,
    name: DashboardPage,
    data: Record<string, unknown> & { user: User | undefined },
    status = 200,
  ): FastifyReply {
    return reply
      .status(status)
      .type('text/html; charset=utf-8')
      .headers(SECURITY_HEADERS)
      .send(this.render(name, { ...data, csrfToken: reply.generateCsrf() }));
  }

  problem(
    reply: FastifyReply,
    problem: { user: User | undefined; title: string; message: string; backUrl?: string; backLabel?: string },
    status: number,
  ): FastifyReply {
    const back = problem.backUrl
      ? { backUrl: problem.backUrl, backLabel: problem.backLabel ?? 'Back' }
      : { backUrl: '/dashboard', backLabel: 'Back to your apps' };
    return this.page(reply, 'problem', { ...problem, ...back }, status);
  }

  async requireUser(request: FastifyRequest, appId?: string): Promise<User> {
    const user = await this.sessions.current(request);
    if (!user) throw new SignInRequired(appId);
    return user;
  }

  /** The signed-in member and the app of the route's `:appId`; anyone else is refused alike. */
  async requireMember(request: FastifyRequest): Promise<{ user: User; app: MemberApp }> {
    const { appId } = request.params as { appId: string };
    const user = await this.requireUser(request, isAppId(appId) ? appId : undefined);
    const app = isAppId(appId) ? await findMemberApp(this.context.db, appId, user.id) : undefined;
    if (!app) throw new NoAccess();
    return { user, app };
  }
}
