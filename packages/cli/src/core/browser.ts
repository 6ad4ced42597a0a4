import { type ChildProcess, spawn } from 'node:child_process';
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
 * otherwise the platform's opener through `open`. Resolves false when nothing could be started or
 * the opener failed; the caller keeps the URL on screen either way.
 */
export async function openInBrowser(
  link: string,
  environment: Pick<CliEnvironment, 'browser' | 'apiUrl'>,
): Promise<boolean> {
  if (!mayOpen(link, environment.apiUrl)) return false;
  // Normalised by the URL parser: it starts with the scheme, so no opener reads it as a flag.
  const url = new URL(link).href;
  try {
    const opener = environment.browser
      ? spawn('/bin/sh', ['-c', `${environment.browser} "$1"`, 'browser', url], {
          stdio: 'ignore',
          detached: true,
        })
      : // Loaded only here: most commands never open a browser.
        await (await import('open')).default(url);
    return await outcomeOf(opener);
  } catch {
    return false;
  }
}

/** True unless the opener fails to start, or exits unsuccessfully within the failure window. */
function outcomeOf(child: ChildProcess): Promise<boolean> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode === 0);
  return new Promise((resolve) => {
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
  });
}
