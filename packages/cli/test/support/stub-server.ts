import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface StubServer {
  url: string;
  requests: ReceivedRequest[];
}

/**
 * A tiny HTTP server on a free loopback port that answers every request with `respond`, and
 * remembers what it received. Closed when the current test ends.
 */
export async function startStubServer(
  respond: (request: ReceivedRequest) => { status: number; json?: unknown },
): Promise<StubServer> {
  const requests: ReceivedRequest[] = [];
  const url = await startRawServer((received, response) => {
    requests.push(received);
    const { status, json } = respond(received);
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(json === undefined ? '' : JSON.stringify(json));
  });
  return { url, requests };
}

/**
 * A loopback server whose handler writes the response itself, as it likes (stalls and floods
 * included), once the request's body is in. Closed when the current test ends; answers its URL.
 */
export async function startRawServer(
  handle: (request: ReceivedRequest, response: ServerResponse) => void,
): Promise<string> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () =>
      handle(
        {
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        },
        response,
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
