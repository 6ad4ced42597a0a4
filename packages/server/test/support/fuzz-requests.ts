import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { DashboardWorld } from '../integration/dashboard-fixtures.js';
import { anApp, aServiceKey, aWorkspaceKey } from './accounts.js';
import type { DatabaseKind } from './databases.js';
import { type FuzzWorld, type RequestParts, randomParts } from './fuzz-inputs.js';
import { shapedParts } from './fuzz-shapes.js';
import { logIn } from './login.js';

/** A route as the server registered it: `GET /api/apps/:appId/external-auth/status`. */
export interface RouteTemplate {
  method: string;
  url: string;
}

const ROUTE_LINE = /^([│ ]*)(?:[├└]── )(.+?)(?: \(([A-Z, ]+)\))?$/;

/** Every route the server answers (read from `printRoutes`), one entry per method. */
export function registeredRoutes(app: FastifyInstance): RouteTemplate[] {
  const routes: RouteTemplate[] = [];
  const pathAt: string[] = [''];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = ROUTE_LINE.exec(line);
    if (!match) continue;
    const depth = (match[1]!.length + 4) / 4;
    const parent = pathAt[depth - 1] ?? '';
    const segment = match[2]!;
    const url = segment === '*' && !parent.endsWith('/') ? `${parent}/*` : `${parent}${segment}`;
    pathAt[depth] = url;
    pathAt.length = depth + 1;
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, url });
  }
  return routes;
}

export interface FuzzedRequest {
  route: RouteTemplate;
  options: InjectOptions;
}

/** Any request to one of `routes`: shaped like a real one with odd fields, or random in every part. */
export function anyRequest(routes: readonly RouteTemplate[], world: FuzzWorld): fc.Arbitrary<FuzzedRequest> {
  // Built once per route: making arbitraries is what costs, not drawing from them.
  const perRoute = routes.map((route) =>
    fc
      .tuple(
        fc.oneof(randomParts(route.method, route.url, world), shapedParts(route.method, route.url, world)),
        fc.ipV4(),
      )
      .map(([parts, remoteAddress]) => ({ route, options: assembled(route, parts, remoteAddress) })),
  );
  return fc.oneof(...perRoute);
}

function assembled(route: RouteTemplate, parts: RequestParts, remoteAddress: string): InjectOptions {
  let index = 0;
  const path = route.url.replace(/:(\w+)/g, () => parts.params[index++]!).replace('*', parts.rest);
  const headers = { ...parts.headers };
  if (parts.body.contentType !== undefined) headers['content-type'] = parts.body.contentType;
  return {
    method: route.method as InjectOptions['method'],
    url: parts.query ? `${path}?${parts.query}` : path,
    headers,
    // Each from its own address, as the rate limits count per address.
    remoteAddress,
    ...(parts.body.payload !== undefined ? { payload: parts.body.payload } : {}),
  };
}

/**
 * A listening server with the sandbox, an app with a connected connector, and every kind of
 * credential (the dashboard tests' world, plus keys, a login token and a signed-in session).
 */
export async function aFuzzWorld(kind: DatabaseKind): Promise<{ world: DashboardWorld; fuzz: FuzzWorld }> {
  const world = await DashboardWorld.create(kind);
  const { storage, app } = world.server;
  const connectedType = 'slack';
  await world.activate(connectedType);
  const browser = await world.signedIn();
  await browser.get('/dashboard');
  const session = ['b44_session', 'b44_csrf'].map((name) => `${name}=${browser.cookie(name)}`).join('; ');
  return {
    world,
    fuzz: {
      appId: world.appId,
      otherAppId: await anApp(storage, world.outsider),
      workspaceKey: await aWorkspaceKey(storage, world.owner),
      outsiderKey: await aWorkspaceKey(storage, world.outsider),
      serviceKey: await aServiceKey(storage, world.appId),
      accessToken: (await logIn(app, world.owner.email)).access_token,
      connectedType,
      sessionCookie: session,
      csrfToken: browser.lastCsrfToken,
    },
  };
}
