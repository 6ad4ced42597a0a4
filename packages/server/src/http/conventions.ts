import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  ApiErrorCode,
  EXTENSIONS_HEADER,
  formatExtensionsHeader,
  unsafeCharacterIn,
  unsafeCharacterMessage,
} from '@base44-connectors/contract';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccountError } from '../accounts/errors.js';
import type { HttpLimits } from '../config.js';
import { HttpError, OAuthProtocolError } from './errors.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Echoes a well-formed X-Request-ID, or makes one; a malformed one is never trusted into logs. */
export function requestIdOf(request: IncomingMessage): string {
  const presented = request.headers['x-request-id'];
  return typeof presented === 'string' && REQUEST_ID.test(presented) ? presented : randomUUID();
}

/** Query keys whose values are logged: none of them identifies, authorizes or completes anything. */
const LOGGED_QUERY_KEYS = new Set(['integration_type', 'wait', 'error']);
/** Path parameters whose values are logged (an app id or a connector type is no credential). */
const LOGGED_PARAMS = new Set(['appId', 'type']);
export const REDACTED = '[redacted]';
const QUERY_KEY_NAME = /^[a-z][a-z_]{0,31}$/;

/**
 * The request as logged: its method, the route it matched (the pattern, `/oauth/start/:connectionId`,
 * never the path the client sent), the values of the harmless path parameters and query keys, and
 * every other query value as `[redacted]`. No headers (they carry credentials). A link id, a code, a
 * state or a token can reach a log line only through a key on these allowlists, and none is.
 */
export function serializeRequestForLog(request: FastifyRequest) {
  const route = request.routeOptions?.url;
  const logged: Record<string, unknown> = {
    method: request.method,
    url: (route ?? '[no route]') + loggedQuery(request.url),
    remoteAddress: request.ip,
  };
  const params = loggedParams(request.params);
  if (params) logged.params = params;
  return logged;
}

function loggedQuery(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return '';
  const kept = new URLSearchParams();
  for (const [key, value] of new URLSearchParams(url.slice(start + 1))) {
    // A key's name is kept when it looks like a name; its value only when the key is allowlisted.
    kept.append(QUERY_KEY_NAME.test(key) ? key : REDACTED, LOGGED_QUERY_KEYS.has(key) ? value : REDACTED);
  }
  const text = kept.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED);
  return text ? `?${text}` : '';
}

function loggedParams(params: unknown): Record<string, string> | undefined {
  if (params === null || typeof params !== 'object') return undefined;
  const kept = Object.entries(params).filter(
    ([key, value]) => LOGGED_PARAMS.has(key) && typeof value === 'string',
  );
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

function isOAuthEndpoint(request: FastifyRequest): boolean {
  return request.url.startsWith('/oauth/device/') || request.url.startsWith('/oauth/token');
}

/** The headers of every response: its request id, and the extensions this server serves (none, no header). */
function commonHeaders(request: FastifyRequest, extensions: readonly string[]): Record<string, string> {
  return {
    'x-request-id': request.id,
    ...(extensions.length > 0 ? { [EXTENSIONS_HEADER]: formatExtensionsHeader(extensions) } : {}),
  };
}

/** `extensions` are the tokens of `x-base44-extensions` (contract's SERVER_EXTENSIONS, or none). */
export function installHttpConventions(
  app: FastifyInstance,
  extensions: readonly string[],
  limits: Pick<HttpLimits, 'maxJsonDepth'>,
): void {
  app.addHook('onSend', async (request, reply) => {
    reply.headers(commonHeaders(request, extensions));
  });

  // The SDK sends `content-type: application/json` with an empty body on its POSTs and DELETEs
  // that carry nothing: that is no body, not a malformed one.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') return done(null, undefined);
    // Refused before JSON.parse and every walk over the value: deep nesting costs CPU, never data.
    if (jsonNestsDeeperThan(text, limits.maxJsonDepth)) {
      const error = new Error(
        `The request body nests arrays or objects deeper than ${limits.maxJsonDepth} levels`,
      ) as FastifyError;
      error.statusCode = 400;
      return done(error, undefined);
    }
    return parseJson(request, text, done);
  });

  // No field takes a control or bidirectional character (contract's UNSAFE_CHARACTER): stored text
  // reaches other members' terminals and pages, and PostgreSQL cannot even compare text holding a
  // NUL. Such input is refused here, for every route and every part of a request, before any
  // schema or query sees it: 422 naming the field (OAuth endpoints: RFC 6749 invalid_request).
  app.addHook('preValidation', async (request) => {
    if (request.is404) return;
    const found = unsafeCharacterInRequest(request);
    if (!found) return;
    const message = `The ${found.where} ${unsafeCharacterMessage(found.character)}`;
    throw isOAuthEndpoint(request)
      ? new OAuthProtocolError(400, 'invalid_request', message)
      : new HttpError(422, message, ApiErrorCode.validation, {
          errors: [{ name: found.name, message: unsafeCharacterMessage(found.character) }],
        });
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send({ message: `No route ${request.method} ${request.url.split('?')[0]}`, code: 'not_found' });
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof OAuthProtocolError) return sendOAuthError(reply, error);
    if (error instanceof HttpError) {
      if (error.headers) reply.headers(error.headers);
      return reply.status(error.statusCode).send({
        message: error.message,
        code: error.code,
        ...(error.extraData ? { extra_data: error.extraData } : {}),
      });
    }
    if (error instanceof AccountError) {
      const code =
        error.status === 409
          ? ApiErrorCode.conflict
          : error.status === 400
            ? ApiErrorCode.badRequest
            : ApiErrorCode.notFound;
      return reply.status(error.status).send({ message: error.message, code });
    }
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send({ message: 'Internal server error', code: ApiErrorCode.internal });
    }
    const { message, code } = describeClientError(error as FastifyError, status);
    if (isOAuthEndpoint(request)) {
      return sendOAuthError(
        reply,
        new OAuthProtocolError(status === 429 ? 429 : 400, 'invalid_request', message),
      );
    }
    return reply.status(status).send({ message, code });
  });
}

/**
 * Whether JSON text opens more than `maxDepth` arrays or objects inside one another: one pass over
 * the characters, skipping strings, that stops at the first level too deep. It does not check the
 * JSON otherwise; the parser does that after.
 */
export function jsonNestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c)
        index++; // a backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (code === 0x5d || code === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** The longest path segment the router takes (Fastify's `maxParamLength`, at its default). */
export const MAX_PATH_SEGMENT_LENGTH = 100;

/**
 * Fastify's `frameworkErrors`: the router refuses some URLs before any route or hook runs (a
 * malformed percent-escape, an overlong path segment); they are answered like every other error,
 * with the common headers, and without echoing the URL back.
 */
export function frameworkErrorAnswer(extensions: readonly string[]) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    reply.headers(commonHeaders(request, extensions));
    return answerFrameworkError(error, request, reply);
  };
}

function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return reply.status(414).send({
      message: `A segment of the path is longer than ${MAX_PATH_SEGMENT_LENGTH} characters: no id or type is that long`,
      code: ApiErrorCode.badRequest,
    });
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    return reply.status(400).send({
      message: 'The path has a malformed percent-escape: encode "%" as %25 and text as UTF-8',
      code: ApiErrorCode.badRequest,
    });
  }
  request.log.error({ err: error }, 'request failed before routing');
  return reply.status(500).send({ message: 'Internal server error', code: ApiErrorCode.internal });
}

export interface UnsafeCharacterFound {
  /** The field as `extra_data.errors[].name` names it: `scopes.1`, `connection_id`, or `body`. */
  name: string;
  /** The field in words: `request body field "scopes.1"`. */
  where: string;
  /** `U+001B`. */
  character: string;
}

/** The first field of the parsed path, query or body holding an unsafe character (or key), if any. */
export function unsafeCharacterInRequest(request: FastifyRequest): UnsafeCharacterFound | undefined {
  const parts: [string, string, unknown][] = [
    ['path', 'path parameter', request.params],
    ['query', 'query parameter', request.query],
    ['body', 'request body field', request.body],
  ];
  for (const [whole, field, value] of parts) {
    const found = unsafePathIn(value);
    if (found === undefined) continue;
    return found.path
      ? { name: found.path, where: `${field} ${JSON.stringify(found.path)}`, character: found.character }
      : { name: whole, where: whole === 'body' ? 'request body' : whole, character: found.character };
  }
  return undefined;
}

/** The dotted path of the first string (or key) holding an unsafe character, walked without recursion (bodies may nest deep). */
function unsafePathIn(root: unknown): { path: string; character: string } | undefined {
  const pending: [unknown, string][] = [[root, '']];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      const character = unsafeCharacterIn(value);
      if (character) return { path, character };
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${key}` : key;
        const character = unsafeCharacterIn(key);
        if (character) return { path: childPath, character };
        pending.push([child, childPath]);
      }
    }
  }
  return undefined;
}

function sendOAuthError(reply: FastifyReply, error: OAuthProtocolError) {
  return reply
    .status(error.statusCode)
    .header('cache-control', 'no-store')
    .send({ error: error.error, ...(error.description ? { error_description: error.description } : {}) });
}

function describeClientError(error: FastifyError, status: number): { message: string; code: string } {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { message: 'Request body is too large', code: ApiErrorCode.payloadTooLarge };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        message: `Unsupported content type "${error.message.split(': ')[1] ?? ''}": send application/json`,
        code: ApiErrorCode.unsupportedMediaType,
      };
  }
  if (status === 429) return { message: error.message, code: ApiErrorCode.rateLimited };
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return { message: `The request body is not valid JSON: ${error.message}`, code: ApiErrorCode.badRequest };
  }
  return { message: error.message, code: ApiErrorCode.badRequest };
}
