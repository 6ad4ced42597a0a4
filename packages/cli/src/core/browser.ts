import { spawn } from 'node:child_process';
import type { CliEnvironment } from './environment.js';

/** Openers that fail do so at once; one still running after this is taken to have opened the page. */
const FAILURE_WINDOW_MS = 1500;

/** Hosts of the Base44 cloud's own pages: its consent links live beside app.base44.com. */
const CLOUD_HOSTS = /(^|\.)base44\.(com|io|app)$/;

/**
 * Whether a link from the server may reach the browser: `http:` or `https:` only, and on the
 * server's own origin (our server's consent links start there), or on the Base44 cloud's hosts
 * when the server is the cloud. Anything else (a `--flag`, `file:`, another site) is not opened;
 * the person still sees it.
 */
export function mayOpen(link: string, serverUrl: string): boolean {
  if (!URL.canParse(link) || !URL.canParse(serverUrl)) return false;
  const url = new URL(link);
  const server = new URL(serverUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username || url.password) return false;
  if (url.origin === server.origin) return true;
  return url.protocol === 'https:' && CLOUD_HOSTS.test(server.hostname) && CLOUD_HOSTS.test(url.hostname);
}

/**
 * Opens a URL in the person's browser: `BROWSER` when set (a command, as git and gh read it),
 * otherwise the platform's opener. Resolves false when nothing could be started or the opener
 * failed; the caller keeps the URL on screen either way.
 */
export function openInBrowser(
  link: string,
  environment: Pick<CliEnvironment, 'browser' | 'platform' | 'apiUrl'>,
): Promise<boolean> {
  if (!mayOpen(link, environment.apiUrl)) return Promise.resolve(false);
  // Normalised by the URL parser: it starts with the scheme, so no opener reads it as a flag.
  const url = new URL(link).href;
  const [command, args] = environment.browser
    ? ['/bin/sh', ['-c', `${environment.browser} "$1"`, 'browser', url]]
    : environment.platform === 'darwin'
      ? ['open', [url]]
      : environment.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true });
      const timer = setTimeout(() => {
        child.unref();
        resolve(true);
      }, FAILURE_WINDOW_MS);
      timer.unref();
      child.once('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code === 0);
      });
    } catch {
      resolve(false);
    }
  });
}
