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
  /** When it arrived, in milliseconds since the epoch. */
  at: number;
}

export interface InterferingProxy {
  url: string;
  /** Every request, in order, with the status the client got (the server's or the proxy's own). */
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/** An answer the proxy gives itself, instead of forwarding the request. */
export interface OwnAnswer {
  status: number;
  json: unknown;
  headers?: Record<string, string>;
}

export interface ProxyBehaviour {
  /** Runs before the request is forwarded (another person acting on the server in between). */
  before?: (request: { method: string; path: string }) => Promise<void> | void;
  /** Answers the request here when it returns an answer: a fault, or an endpoint the server lacks. */
  answer?: (request: { method: string; path: string; body: string }) => OwnAnswer | undefined;
  /** Changes a forwarded JSON answer before the client gets it. */
  rewrite?: (request: { method: string; path: string }, body: unknown) => unknown;
}

/**
 * An HTTP proxy in front of `target` that may act before forwarding a request, or answer it
 * itself: races made certain, faults injected, and every request written down with its time.
 */
export async function startProxy(target: string, behaviour: ProxyBehaviour): Promise<InterferingProxy> {
  const requests: ProxiedRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    const at = Date.now();
    void forward(incoming)
      .then(({ status, headers, body }) => {
        requests.push({ method: incoming.method ?? 'GET', path: incoming.url ?? '/', status, at });
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
    const own = behaviour.answer?.({ method, path, body: Buffer.concat(chunks).toString('utf8') });
    if (own) {
      return {
        status: own.status,
        headers: { 'content-type': 'application/json', ...own.headers },
        body: Buffer.from(JSON.stringify(own.json)),
      };
    }
    await behaviour.before?.({ method, path });
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
    let body = Buffer.from(await response.arrayBuffer());
    if (behaviour.rewrite && body.length > 0) {
      body = Buffer.from(
        JSON.stringify(behaviour.rewrite({ method, path }, JSON.parse(body.toString('utf8')))),
      );
    }
    // Every header but those of this hop: the server's own (x-base44-extensions…) reach the client.
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

/**
 * A proxy in front of `target` that, before forwarding each request `when` picks, runs
 * `interfere` (another person acting on the server in between): a race, made certain.
 */
export function startInterferingProxy(
  target: string,
  when: (request: { method: string; path: string }) => boolean,
  interfere: () => Promise<void>,
): Promise<InterferingProxy> {
  return startProxy(target, {
    before: async (request) => {
      if (when(request)) await interfere();
    },
  });
}
