import { spawn } from 'node:child_process';
import type { CliEnvironment } from './environment.js';

/** Openers that fail do so at once; one still running after this is taken to have opened the page. */
const FAILURE_WINDOW_MS = 1500;

/**
 * Opens a URL in the person's browser: `BROWSER` when set (a command, as git and gh read it),
 * otherwise the platform's opener. Resolves false when nothing could be started or the opener
 * failed; the caller keeps the URL on screen either way.
 */
export function openInBrowser(
  url: string,
  environment: Pick<CliEnvironment, 'browser' | 'platform'>,
): Promise<boolean> {
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
