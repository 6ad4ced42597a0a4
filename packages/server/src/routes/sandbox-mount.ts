import type { SandboxProvider } from '@base44-connectors/sandbox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Hands everything under the sandbox's mount path to it untouched: oidc-provider reads request
 * bodies itself, so this scope parses none.
 */
export function sandboxMount(sandbox: SandboxProvider): FastifyPluginAsync {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const handle = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      sandbox.handle(request.raw, reply.raw);
    };
    app.all(sandbox.mountPath, handle);
    app.all(`${sandbox.mountPath}/*`, handle);
  };
}
