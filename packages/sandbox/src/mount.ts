import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { RequestError, sendHtml, sendJson } from './http.js';
import type { OidcProviderModule } from './load-oidc-provider.js';
import { errorPage } from './pages.js';

/** The path part of the issuer, where the sandbox is mounted ("" at the root of a host). */
export function mountPathOf(issuer: URL): string {
  return issuer.pathname === '/' ? '' : issuer.pathname;
}

/**
 * The request target with the mount path taken off (`/sandbox/auth?x` → `/auth?x`, `/sandbox` → `/`), or
 * undefined when the target is not under the mount path at all (`/sandboxes`).
 */
export function stripMountPath(target: string, mountPath: string): string | undefined {
  if (!target.startsWith(mountPath)) return undefined;
  const rest = target.slice(mountPath.length);
  if (rest === '' || rest.startsWith('?')) return `/${rest}`;
  return rest.startsWith('/') ? rest : undefined;
}

type Route = (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void>;

export interface MountedRoutes {
  /** Routes the sandbox serves itself, by exact path or by path prefix (ending in "/"), after the mount path. */
  own: ReadonlyArray<{ path: string; route: Route; answers: 'html' | 'json' }>;
}

/**
 * The Node request handler of a provider mounted at `mountPath`. The sandbox's own routes are served here;
 * everything else goes to oidc-provider with the mount path taken off `req.url` and kept in
 * `req.originalUrl`, from which oidc-provider derives the mount path of the URLs it writes. The scheme of
 * those URLs is the issuer's (a TLS-terminating proxy in front does not change it); the host is the one
 * the request came to, so the browser keeps its cookies.
 */
export function mountProvider(
  oidc: OidcProviderModule,
  provider: Provider,
  issuer: URL,
  routes: MountedRoutes,
): (req: IncomingMessage, res: ServerResponse) => void {
  const mountPath = mountPathOf(issuer);
  const callback = provider.callback();
  const scheme = issuer.protocol.slice(0, -1);
  provider.proxy = true;

  const fail = (res: ServerResponse, answers: 'html' | 'json', error: unknown) => {
    const { status, title, detail } = describeFailure(oidc, error);
    if (status >= 500) provider.onerror(error instanceof Error ? error : new Error(String(error)));
    if (res.headersSent) {
      res.destroy();
    } else if (answers === 'json') {
      sendJson(res, status, { error: title, error_description: detail });
    } else {
      sendHtml(
        res,
        status,
        errorPage('The sandbox could not go on', { error: title, error_description: detail }),
      );
    }
  };

  return (req, res) => {
    const target = req.url ?? '/';
    const rest = stripMountPath(target, mountPath);
    if (rest === undefined) {
      sendJson(res, 404, { error: 'not_found', error_description: `the sandbox is mounted at ${mountPath}` });
      return;
    }
    const pathname = rest.split('?', 1)[0]!;
    const own = routes.own.find(({ path }) =>
      path.endsWith('/') ? pathname.startsWith(path) : pathname === path,
    );
    if (own) {
      own.route(req, res, pathname).catch((error: unknown) => fail(res, own.answers, error));
      return;
    }
    Object.assign(req, { originalUrl: target, baseUrl: mountPath, url: rest });
    req.headers['x-forwarded-proto'] = scheme;
    delete req.headers['x-forwarded-host'];
    callback(req, res);
  };
}

function describeFailure(
  oidc: OidcProviderModule,
  error: unknown,
): { status: number; title: string; detail: string } {
  if (error instanceof RequestError) {
    return { status: error.statusCode, title: 'invalid_request', detail: error.message };
  }
  if (error instanceof oidc.errors.OIDCProviderError && error.expose) {
    return { status: error.statusCode, title: error.error, detail: error.error_description ?? error.message };
  }
  return { status: 500, title: 'server_error', detail: 'the sandbox failed; see the server log' };
}
