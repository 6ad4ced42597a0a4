import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

const HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
]);

export interface ProxiedRequest {
  method: string;
  path: string;
  status: number;
}

export interface InterferingProxy {
  url: string;
  /** Every request forwarded, in order, with the status the server answered. */
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of `target` that, before forwarding each request `when` picks, runs
 * `interfere` (another person acting on the server in between): a race, made certain.
 */
export async function startInterferingProxy(
  target: string,
  when: (request: { method: string; path: string }) => boolean,
  interfere: () => Promise<void>,
): Promise<InterferingProxy> {
  const requests: ProxiedRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    void forward(incoming)
      .then(({ status, headers, body }) => {
        outgoing.writeHead(status, headers);
        outgoing.end(body);
      })
      .catch((error: unknown) => {
        outgoing.writeHead(502, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ message: `proxy: ${String(error)}`, code: 'proxy_error' }));
      });
  });

  async function forward(incoming: IncomingMessage) {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const method = incoming.method ?? 'GET';
    const path = incoming.url ?? '/';
    if (when({ method, path })) await interfere();
    const headers = Object.fromEntries(
      Object.entries(incoming.headers).filter(
        (entry): entry is [string, string] =>
          typeof entry[1] === 'string' && !['host', 'connection', 'content-length'].includes(entry[0]),
      ),
    );
    const response = await fetch(`${target}${path}`, {
      method,
      headers,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    const body = Buffer.from(await response.arrayBuffer());
    requests.push({ method, path, status: response.status });
    // Every header but those of this hop: the server's own (x-base44-extensions…) reach the CLI.
    const forwarded = Object.fromEntries([...response.headers].filter(([name]) => !HOP_HEADERS.has(name)));
    return { status: response.status, headers: forwarded, body };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
