import type { BrowserContext } from 'playwright-core';
import type { Dispatcher } from 'undici';

/**
 * The header that tells a fake which host the request was for: requests to a provider's real
 * hosts (https://slack.com, https://api.notion.com …) are delivered to one loopback fake.
 */
export const ORIGINAL_HOST_HEADER = 'x-forwarded-host';

/** Where Node's `fetch` and the undici package both find the dispatcher they send through. */
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/**
 * Sends this process's `fetch` calls for the given host names to `fakeOrigin` (plain HTTP on
 * loopback) instead of the internet, unchanged otherwise: the broker keeps calling the URLs of its
 * catalog entries, and only the network under it is replaced. Anything else goes out as before.
 * Answers the function that puts Node's own dispatcher back.
 *
 * undici is imported only here, after Node's `fetch` has installed its own dispatcher: imported
 * earlier, the package would install its Agent as every later test's dispatcher in this process.
 */
export async function routeHostsInProcess(
  hosts: readonly string[],
  fakeOrigin: string,
): Promise<() => Promise<void>> {
  await fetch('data:,');
  const previous = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER] as Dispatcher;
  const { Agent, Dispatcher: DispatcherBase, setGlobalDispatcher } = await import('undici');
  const direct = new Agent();
  const routed = new Set(hosts);
  class ToFake extends DispatcherBase {
    override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      const origin = new URL(String(options.origin));
      if (!routed.has(origin.hostname)) return previous.dispatch(options, handler);
      return direct.dispatch(
        {
          ...options,
          origin: fakeOrigin,
          headers: withHeader(options.headers, ORIGINAL_HOST_HEADER, origin.host),
        },
        handler,
      );
    }
    override async close(): Promise<void> {
      await direct.close();
    }
  }
  setGlobalDispatcher(new ToFake());
  return async () => {
    setGlobalDispatcher(previous);
    await direct.close();
  };
}

/**
 * The same for a Chromium context: its requests to the provider's hosts are answered by the fake
 * (redirects handed to the browser as they are, so it follows them itself).
 */
export async function routeHostsInBrowser(
  context: BrowserContext,
  hosts: readonly string[],
  fakeOrigin: string,
): Promise<void> {
  const routed = new Set(hosts);
  await context.route(
    (url) => routed.has(url.hostname),
    async (route) => {
      const request = route.request();
      const url = new URL(request.url());
      const response = await route.fetch({
        url: `${fakeOrigin}${url.pathname}${url.search}`,
        headers: { ...request.headers(), [ORIGINAL_HOST_HEADER]: url.host },
        maxRedirects: 0,
      });
      await route.fulfill({ response });
    },
  );
}

function withHeader(
  headers: Dispatcher.DispatchOptions['headers'],
  name: string,
  value: string,
): Dispatcher.DispatchOptions['headers'] {
  if (headers == null) return { [name]: value };
  if (Array.isArray(headers)) return [...headers, name, value];
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return [...(headers as Iterable<[string, string]>)].flat().concat(name, value);
  }
  return { ...(headers as Record<string, string>), [name]: value };
}
