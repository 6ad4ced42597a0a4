import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { FastifyInstance } from 'fastify';

/** A route as Fastify registered it: `GET /dashboard/apps/:appId`. */
export interface RegisteredRoute {
  method: string;
  url: string;
}

export interface ErrorBody {
  request: string;
  status: number;
  body: string;
}

/** What a Fastify instance made in this process did: its routes and its error answers. */
export interface ServerRecording {
  routes: RegisteredRoute[];
  errorBodies: ErrorBody[];
}

const recordings = new WeakMap<FastifyInstance, ServerRecording>();

// Fastify announces every new instance on this diagnostics channel before any plugin or route is
// registered (https://fastify.dev/docs/latest/Reference/Hooks/#diagnostics-channel-hooks): the
// moment to add the hooks that record what `buildServer` registers and what the server says.
function record(message: unknown): void {
  const { fastify } = message as { fastify: FastifyInstance };
  const recording: ServerRecording = { routes: [], errorBodies: [] };
  recordings.set(fastify, recording);
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') recording.routes.push({ method, url: route.url });
    }
  });
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode >= 400 && typeof payload === 'string') {
      const path = request.url.split('?')[0];
      recording.errorBodies.push({
        request: `${request.method} ${path}`,
        status: reply.statusCode,
        body: payload,
      });
    }
    return payload;
  });
}

// Channels belong to the process, modules to one test file: a worker that runs several files
// keeps one subscriber, the one of the file running now.
const CHANNEL = 'fastify.initialization';
const SUBSCRIBER = Symbol.for('base44-connectors.test.fastify-recorder');
const holder = globalThis as { [SUBSCRIBER]?: (message: unknown) => void };
if (holder[SUBSCRIBER]) unsubscribe(CHANNEL, holder[SUBSCRIBER]);
holder[SUBSCRIBER] = record;
subscribe(CHANNEL, record);

export function recordingOf(app: FastifyInstance): ServerRecording {
  const recording = recordings.get(app);
  if (!recording) throw new Error('This Fastify instance was not made after fastify-recorder.ts was loaded');
  return recording;
}
