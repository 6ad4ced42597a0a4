import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardWorld } from '../integration/dashboard-fixtures.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { anyText, FuzzLedger, fuzzRuns, fuzzTimeout } from '../support/fuzz.js';
import { type FuzzWorld, percentEncoded } from '../support/fuzz-inputs.js';
import { aFuzzWorld, anyRequest, type RouteTemplate, registeredRoutes } from '../support/fuzz-requests.js';

/** Routes that answer 501 by design (this server provisions no Stripe). */
const NOT_IMPLEMENTED = new Set([
  'POST /api/apps/:appId/payments/stripe/install',
  'DELETE /api/apps/:appId/payments/stripe',
]);

/**
 * The sandbox provider answers its own requests (the server hands them over untouched): it must not
 * fail on them either, but its errors are its own (plain text, no request id).
 */
const isSandbox = (route: RouteTemplate) => route.url.startsWith('/sandbox');

function describeExchange(options: InjectOptions, response: LightMyRequestResponse): string {
  const headers = JSON.stringify(options.headers ?? {}).slice(0, 300);
  const payload = String(options.payload ?? '').slice(0, 200);
  return `${options.method} ${String(options.url).slice(0, 300)}\nheaders ${headers}\nbody ${JSON.stringify(payload)}\n→ ${response.statusCode} ${response.body.slice(0, 400)}`;
}

/** What the body of an error says: `message` (API), `error_description`/`error` (OAuth), or the page's text. */
function errorText(response: LightMyRequestResponse): string {
  const type = String(response.headers['content-type'] ?? '');
  if (type.includes('json')) {
    const body = JSON.parse(response.body) as Record<string, unknown>;
    const said = body.message ?? body.error_description ?? body.error;
    return typeof said === 'string' ? said : '';
  }
  if (type.includes('html'))
    return response.body
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  return type.startsWith('text/plain') ? response.body.trim() : '';
}

/** Below 500 (or the designed 501), a request id, and for an error a body that says what went wrong. */
function expectAnswered(route: RouteTemplate, options: InjectOptions, response: LightMyRequestResponse) {
  const context = describeExchange(options, response);
  if (!isSandbox(route)) expect(response.headers['x-request-id'], context).toBeTruthy();
  if (NOT_IMPLEMENTED.has(`${route.method} ${route.url}`) && response.statusCode === 501) {
    expect(response.json().message, context).toMatch(/Stripe/);
    return;
  }
  expect(response.statusCode, context).toBeLessThan(500);
  if (response.statusCode >= 300 && response.statusCode < 400) {
    expect(response.headers.location, context).toBeTruthy();
  }
  if (response.statusCode >= 400 && options.method !== 'HEAD') {
    const said = errorText(response);
    expect(said.length, `an error that says nothing:\n${context}`).toBeGreaterThan(0);
    if (isSandbox(route)) return;
    expect(said, context).not.toMatch(/internal server error|went wrong on the server/i);
    // A JSON error also says what kind of error it is: `code` (API) or `error` (OAuth).
    if (String(response.headers['content-type']).includes('json')) {
      const { code, error } = response.json();
      expect(typeof (code ?? error), context).toBe('string');
    }
  }
}

describe.each(DATABASE_KINDS)('every route under fuzzing, on %s', (kind) => {
  let world: DashboardWorld;
  let fuzz: FuzzWorld;
  let routes: RouteTemplate[];
  const ledger = new FuzzLedger(`api-routes-${kind}`);
  const inject = (options: InjectOptions) => world.server.app.inject(options);

  beforeAll(async () => {
    ({ world, fuzz } = await aFuzzWorld(kind));
    routes = registeredRoutes(world.server.app);
  });
  afterAll(async () => {
    ledger.write();
    await world?.close();
  });

  it('finds every route the server registers', () => {
    const listed = routes.map(({ method, url }) => `${method} ${url}`);
    for (const route of world.server.app.appScopedRoutes) {
      expect(listed).toContain(
        `${route.method} /api/apps/:appId${route.url.replace(/^\/api\/apps\/:appId/, '')}`,
      );
    }
    for (const expected of [
      'POST /oauth/token',
      'GET /device',
      'POST /dashboard/sign-in',
      'GET /sandbox/*',
    ]) {
      expect(listed).toContain(expected);
    }
  });

  it(
    'answers any request to any route below 500, with an error that says what is wrong',
    async () => {
      // Route by route, so that every route gets its share of the inputs whatever the seed.
      const runsPerRoute = Math.max(5, Math.ceil(fuzzRuns(kind === 'sqlite' ? 700 : 350) / routes.length));
      for (const route of routes) {
        await ledger.check(
          `any request to ${route.method} ${route.url}`,
          fc.asyncProperty(anyRequest([route], fuzz), async ({ route, options }) => {
            expectAnswered(route, options, await inject(options));
          }),
          runsPerRoute,
        );
      }
    },
    fuzzTimeout(),
  );

  it(
    'names the field of a push body that has the wrong type or shape',
    async () => {
      const field = fc.constantFrom(
        'connectors',
        'connectors.0',
        'connectors.0.type',
        'connectors.0.scopes',
        'connectors.0.scopes.0',
        'prune',
        'expected_revision',
      );
      const wrong = fc.oneof(
        fc.constantFrom(null, true, 42, -1, 1.5, {}, [], [{}], 'Not A Type', '../x', ''),
        anyText(10).filter((text) => !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(text)),
      );
      await ledger.check(
        'wrong push fields',
        fc.asyncProperty(fc.constantFrom('plan', 'apply'), field, wrong, async (endpoint, path, value) => {
          const body: Record<string, unknown> = {
            connectors: [{ type: 'slack', scopes: ['read'] }],
            prune: false,
            expected_revision: 0,
          };
          if (!setAt(body, path, value)) return;
          const response = await inject({
            method: 'POST',
            url: `/api/apps/${fuzz.appId}/external-auth/${endpoint}`,
            headers: { api_key: fuzz.workspaceKey },
            payload: body,
          });
          const context = describeExchange(
            { method: 'POST', url: endpoint, payload: JSON.stringify(body) },
            response,
          );
          // A value of the right kind after all (an empty list of scopes, a zero revision…) is no error.
          if (response.statusCode < 400) return;
          if (response.statusCode === 409 && endpoint === 'apply') {
            expect(response.json().message, context).toMatch(/revision/);
            return;
          }
          // 422: from the schema, or for a control character, which no field takes.
          expect([400, 422], context).toContain(response.statusCode);
          const { message, extra_data } = response.json();
          expect(message, context).toContain(path.split('.').slice(0, 2).join('.'));
          if (response.statusCode === 422) {
            const names = extra_data.errors.map((error: { name: string }) => error.name).join(' ');
            expect(names, context).toContain(path.split('.')[0]);
          }
        }),
        fuzzRuns(120),
      );
    },
    fuzzTimeout(),
  );

  it(
    'answers a path no route has with a JSON 404 that names it',
    async () => {
      // Dot segments are left out: they are resolved before routing (`/nowhere/..` is `/`).
      const segment = fc
        .oneof(fc.constantFrom('api', 'apps', 'oauth', 'external-auth', '%', '%zz'), anyText(10))
        .filter((text) => !/^\.+$/.test(text));
      await ledger.check(
        'unknown paths',
        fc.asyncProperty(
          fc.array(segment, { minLength: 1, maxLength: 5 }),
          fc.constantFrom('GET', 'POST', 'PATCH', 'OPTIONS'),
          async (segments, method) => {
            const url = `/nowhere/${segments.map(percentEncoded).join('/')}`;
            const response = await inject({ method: method as InjectOptions['method'], url });
            expect(response.statusCode, url).toBe(404);
            expect(response.json(), url).toMatchObject({ code: 'not_found' });
            expect(response.json().message, url).toContain(`No route ${method} /nowhere/`);
          },
        ),
        fuzzRuns(120),
      );
    },
    fuzzTimeout(),
  );
});

/** Sets `value` at a dotted path of `target`; false when the path runs through a value already replaced. */
function setAt(target: Record<string, unknown>, path: string, value: unknown): boolean {
  const keys = path.split('.');
  let node: unknown = target;
  for (const key of keys.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return false;
    node = (node as Record<string, unknown>)[key];
  }
  if (node === null || typeof node !== 'object') return false;
  (node as Record<string, unknown>)[keys.at(-1)!] = value;
  return true;
}
