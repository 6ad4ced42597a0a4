import { EXTENSIONS_HEADER, formatExtensionsHeader, SERVER_EXTENSIONS } from '@base44-connectors/contract';
import { extension, type Operation } from './openapi-schemas.js';

// The headers every response of the server carries, as the OpenAPI document describes them: once
// in `components.headers`, and referred to from every response.

/** The headers of every response, each named in `components.headers` under the header's own name. */
export const COMMON_HEADERS = {
  'X-Request-ID': {
    description: "The request's own `X-Request-ID` when it is well formed, else a new one; also in the log",
    schema: { type: 'string' },
  },
  [EXTENSIONS_HEADER]: {
    ...extension,
    description:
      'The extensions this server serves, comma+space separated: `plan` (`POST external-auth/plan`), ' +
      '`apply` (`POST external-auth/apply`), `status-wait` (the `wait` long-poll of `GET external-auth/status`). ' +
      'Absent with `--public-api-only`, as on the Base44 cloud: a client decides from this header, never from error text.',
    schema: { type: 'string', example: formatExtensionsHeader(SERVER_EXTENSIONS) },
  },
};

/** Adds the common headers to each response given inline (a `$ref` gets them where it points). */
export function withCommonHeaders<T extends Record<string, unknown>>(responses: T): T {
  const common = Object.fromEntries(
    Object.keys(COMMON_HEADERS).map((name) => [name, { $ref: `#/components/headers/${name}` }]),
  );
  const entries = Object.entries(responses).map(([status, response]) => {
    const inline = response as { $ref?: string; headers?: Record<string, unknown> };
    return [status, inline.$ref ? inline : { ...inline, headers: { ...inline.headers, ...common } }];
  });
  return Object.fromEntries(entries) as T;
}

export function withCommonHeadersInPaths(
  paths: Record<string, Record<string, Operation>>,
): Record<string, Record<string, Operation>> {
  const eachOperation = (item: Record<string, Operation>) =>
    Object.fromEntries(
      Object.entries(item).map(([method, operation]) => [
        method,
        { ...operation, responses: withCommonHeaders(operation.responses as Record<string, unknown>) },
      ]),
    );
  return Object.fromEntries(Object.entries(paths).map(([path, item]) => [path, eachOperation(item)]));
}
