import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type HttpLimits, loadConfig } from '../../src/config.js';
import { jsonNestsDeeperThan } from '../../src/http/conventions.js';
import { createTestServer, type TestServer } from '../support/server.js';

/** A raw TCP client: what it was sent back, and when the server closed the connection. */
interface RawClient {
  socket: Socket;
  received(): string;
  /** Milliseconds from connecting until the server ended the connection. */
  closed: Promise<number>;
}

function rawClient(url: string): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname);
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      data += chunk;
    });
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now() - started)));
    socket.once('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The limits are Node's and Fastify's, the same whatever the database: SQLite alone covers them.
describe('HTTP limits', () => {
  let server: TestServer | undefined;
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.destroy();
    await server?.close();
    server = undefined;
  });
  async function serve(limits: Partial<HttpLimits> = {}): Promise<TestServer> {
    server = await createTestServer('sqlite', { listen: true, limits });
    return server;
  }
  async function client(url: string): Promise<RawClient> {
    const made = await rawClient(url);
    clients.push(made);
    return made;
  }

  it('has documented defaults: 1 MiB bodies, depth 32, 30 s requests, 10 s headers, 72 s keep-alive, 1000 connections', () => {
    expect(loadConfig({}, {}).limits).toEqual({
      bodyLimitBytes: 1024 * 1024,
      maxJsonDepth: 32,
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 72_000,
      maxConnections: 1000,
      shutdownGraceMs: 10_000,
    });
    const configured = loadConfig(
      {},
      {
        BASE44_SERVER_REQUEST_TIMEOUT: '20',
        BASE44_SERVER_HEADERS_TIMEOUT: '2.5',
        BASE44_SERVER_KEEP_ALIVE_TIMEOUT: '5',
        BASE44_SERVER_MAX_CONNECTIONS: '50',
        BASE44_SERVER_SHUTDOWN_GRACE: '1.5',
      },
    ).limits;
    expect(configured).toEqual({
      ...DEFAULT_LIMITS,
      requestTimeoutMs: 20_000,
      headersTimeoutMs: 2_500,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 50,
      shutdownGraceMs: 1_500,
    });
    expect(() => loadConfig({}, { BASE44_SERVER_HEADERS_TIMEOUT: '60' })).toThrow(
      'BASE44_SERVER_HEADERS_TIMEOUT must not exceed BASE44_SERVER_REQUEST_TIMEOUT',
    );
  });

  it('measures depth outside strings only', () => {
    expect(jsonNestsDeeperThan('[[1]]', 2)).toBe(false);
    expect(jsonNestsDeeperThan('[[[1]]]', 2)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":"[[[[[\\"[[["}', 2)).toBe(false);
    expect(jsonNestsDeeperThan('[{},{},[],[]]', 2)).toBe(false);
  });

  it('refuses 1 MB of nested JSON on /oauth/token and the API in well under 100 ms', async () => {
    const { url } = await serve();
    const nested = '['.repeat(512 * 1024) + ']'.repeat(512 * 1024);
    const post = (path: string) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: nested,
      });
    await post('/oauth/token'); // warm-up: the first request compiles the routes
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      const response = await post('/oauth/token');
      times.push(performance.now() - started);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: 'invalid_request',
        error_description: 'The request body nests arrays or objects deeper than 32 levels',
      });
    }
    times.sort((a, b) => a - b);
    expect(times[2], `median of ${times.map((ms) => ms.toFixed(1)).join(', ')} ms`).toBeLessThan(50);
    const api = await post('/api/apps/app_x/external-auth/plan');
    expect(api.status).toBeLessThan(500);
    await api.arrayBuffer();
    const within = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `${'['.repeat(32)}${']'.repeat(32)}`,
    });
    expect(((await within.json()) as { error_description?: string }).error_description).not.toMatch(/deeper/);
  });

  it('cuts off a client sending its headers byte by byte (slowloris) after the header timeout', async () => {
    const { url } = await serve({ headersTimeoutMs: 400, requestTimeoutMs: 5_000 });
    const slow = await client(url);
    const request = `GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(200)}\r\n\r\n`;
    let sent = 0;
    const drip = setInterval(() => {
      if (sent < request.length && !slow.socket.destroyed) slow.socket.write(request[sent++]!);
    }, 20);
    const closedAfter = await slow.closed;
    clearInterval(drip);
    expect(sent).toBeLessThan(request.length);
    expect(closedAfter).toBeGreaterThanOrEqual(400);
    expect(closedAfter).toBeLessThan(2_000);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('ends a request whose body stalls after the request timeout', async () => {
    const { url } = await serve({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const stalled = await client(url);
    stalled.socket.write(
      'POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"grant',
    );
    const closedAfter = await stalled.closed;
    expect(closedAfter).toBeGreaterThanOrEqual(600);
    expect(closedAfter).toBeLessThan(2_500);
    expect(stalled.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const { url } = await serve({ keepAliveTimeoutMs: 300 });
    const idle = await client(url);
    idle.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    const closedAfter = await idle.closed;
    expect(idle.received()).toMatch(/^HTTP\/1\.1 200/);
    expect(closedAfter).toBeGreaterThanOrEqual(300);
    expect(closedAfter).toBeLessThan(2_000);
  });

  it('cuts a connection whose request is still in flight once the shutdown grace is over', async () => {
    const running = await serve({ shutdownGraceMs: 400 });
    const stalled = await client(running.url);
    stalled.socket.write(
      'POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"grant',
    );
    await sleep(50);
    const started = performance.now();
    await running.close();
    server = undefined;
    const tookMs = performance.now() - started;
    expect(tookMs).toBeGreaterThanOrEqual(350);
    expect(tookMs).toBeLessThan(5_000);
    expect(await Promise.race([stalled.closed.then(() => 'closed'), sleep(1_000).then(() => 'open')])).toBe(
      'closed',
    );
  });

  it('refuses the connection beyond the cap, and takes one again once a slot is free', async () => {
    const { url } = await serve({ maxConnections: 3 });
    const open = [await client(url), await client(url), await client(url)];
    await sleep(50);
    const refused = await client(url);
    const closedAfter = await Promise.race([refused.closed, sleep(1_000).then(() => -1)]);
    expect(closedAfter, 'the fourth connection was closed by the server').toBeGreaterThanOrEqual(0);
    expect(refused.received()).toBe('');
    for (const held of open) {
      held.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    }
    await sleep(100);
    for (const held of open) expect(held.received()).toMatch(/^HTTP\/1\.1 200/);
    open[0]!.socket.destroy();
    await open[0]!.closed;
    await sleep(50);
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
  });
});
