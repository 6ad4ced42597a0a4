// The baseline of bench/token-api.mjs: a bare Fastify route answering a fixed JSON body, in its own
// process. Usage: node bench/lib/token-baseline.mjs PORT BODY_JSON

import { createRequire } from 'node:module';

const require = createRequire(new URL('../../packages/server/package.json', import.meta.url));
const Fastify = require('fastify');

const [port, body] = process.argv.slice(2);
const payload = JSON.parse(body);
const app = Fastify({ logger: false });
app.get('/health', async () => ({ status: 'ok' }));
app.get('/api/apps/:appId/external-auth/tokens/:type', async () => payload);
await app.listen({ host: '127.0.0.1', port: Number(port) });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
