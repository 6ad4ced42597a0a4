import {
  ApiErrorBody,
  ApplyRequest,
  ApplyResponse,
  AvailableIntegrationsResponse,
  ConnectionStatusResponse,
  DeviceCodeRequest,
  DeviceCodeResponse,
  IntegrationType,
  ListIntegrationsResponse,
  OAuthErrorBody,
  PlanRequest,
  PlanResponse,
  RemoveIntegrationResponse,
  TokenForIntegrationResponse,
  TokenRequest,
  TokenResponse,
  UpsertIntegrationRequest,
  UpsertIntegrationResponse,
  UserInfoResponse,
} from '@base44-connectors/contract';
import { z } from 'zod';

// The OpenAPI document's schemas, generated from the contract's zod schemas with z.toJSONSchema.
// Only responses the contract does not describe (health, Stripe status) get a zod schema here.

export type JsonSchema = Record<string, unknown>;

/** Marks what the public Base44 API does not have. */
export const EXTENSION = 'x-base44-extension';

/** What `DELETE …/remove` answers: the contract's body and [ext] whether the provider revoked the token. */
const RemoveResponseSchema = z.object({ ...RemoveIntegrationResponse.shape, revoked: z.boolean() });

/** Request bodies: converted as input (fields with defaults are optional). */
const REQUESTS = {
  DeviceCodeRequest,
  TokenRequest,
  UpsertIntegrationRequest,
  PlanRequest,
  ApplyRequest,
} satisfies Record<string, z.core.$ZodType>;

/** Response bodies: converted as output (what the server sends). */
const RESPONSES = {
  DeviceCodeResponse,
  TokenResponse,
  UserInfoResponse,
  ListIntegrationsResponse,
  UpsertIntegrationResponse,
  ConnectionStatusResponse,
  AvailableIntegrationsResponse,
  RemoveIntegrationResponse: RemoveResponseSchema,
  TokenForIntegrationResponse,
  PlanResponse,
  ApplyResponse,
  StripeStatusResponse: z.object({ stripe_mode: z.null() }),
  HealthResponse: z.object({ status: z.literal('ok') }),
  ApiError: ApiErrorBody,
  OAuthError: OAuthErrorBody,
} satisfies Record<string, z.core.$ZodType>;

export type SchemaName = keyof typeof REQUESTS | keyof typeof RESPONSES;

/** Fields the public Base44 API does not have, marked `x-base44-extension` in the document. */
const EXTENSION_FIELDS: [SchemaName, string[]][] = [
  ['ListIntegrationsResponse', ['integrations', 'state']],
  ['ListIntegrationsResponse', ['integrations', 'settings']],
  ['ListIntegrationsResponse', ['integrations', 'connection_config']],
  ['ConnectionStatusResponse', ['failure_reason']],
  ['AvailableIntegrationsResponse', ['integrations', 'default_scopes']],
  ['AvailableIntegrationsResponse', ['integrations', 'configured']],
  ['RemoveIntegrationResponse', ['revoked']],
];

const DESCRIPTIONS: Partial<Record<SchemaName, string>> = {
  ApiError:
    'The error body of every endpoint but the OAuth ones. `code` is machine-readable (e.g. `token_expired`, ' +
    '`forbidden`, `validation_failed`, `not_connected`); `extra_data.errors` names each invalid field.',
  OAuthError: 'RFC 6749 §5.2 error body of `POST /oauth/device/code` and `POST /oauth/token`.',
  ListIntegrationsResponse: '`user_email` is omitted, never null, when the account email is unknown.',
  UpsertIntegrationResponse: 'All six keys are always present.',
};

/** The `components.schemas` of the document. */
export function openApiSchemas(): Record<SchemaName, JsonSchema> {
  const schemas = {} as Record<SchemaName, JsonSchema>;
  for (const [name, schema] of Object.entries(REQUESTS))
    schemas[name as SchemaName] = toSchema(schema, 'input');
  for (const [name, schema] of Object.entries(RESPONSES))
    schemas[name as SchemaName] = toSchema(schema, 'output');
  for (const [name, path] of EXTENSION_FIELDS) markExtension(schemas[name], path, name);
  for (const [name, description] of Object.entries(DESCRIPTIONS))
    schemas[name as SchemaName].description = description;
  return schemas;
}

/** A contract schema as a standalone JSON Schema for a parameter (path or query). */
export function parameterSchema(name: 'IntegrationType'): JsonSchema {
  const schemas = { IntegrationType };
  return toSchema(schemas[name], 'input');
}

function toSchema(schema: z.core.$ZodType, io: 'input' | 'output'): JsonSchema {
  // OpenAPI 3.1's dialect is JSON Schema 2020-12, zod's default target; the dialect is the document's.
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io }) as JsonSchema;
  return json;
}

/** Walks `properties` (and `items` of arrays) along the path and marks the field it ends at. */
function markExtension(schema: JsonSchema, path: string[], name: string): void {
  let node: JsonSchema | undefined = schema;
  for (const field of path) {
    if (node?.type === 'array') node = node.items as JsonSchema;
    node = (node?.properties as Record<string, JsonSchema> | undefined)?.[field];
  }
  if (!node) throw new Error(`openapi: ${name} has no field ${path.join('.')}`);
  node[EXTENSION] = true;
}

// How operations refer to these schemas and to the shared responses of the document.

export type Operation = Record<string, unknown>;

export const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });
export const json = (name: SchemaName) => ({ 'application/json': { schema: ref(name) } });
export const body = (name: SchemaName, description: string) => ({ description, content: json(name) });
export const html = (description: string) => ({
  description,
  content: { 'text/html': { schema: { type: 'string' } } },
});
export const error = (
  name: 'BadRequest' | 'NotFound' | 'Conflict' | 'ValidationFailed' | 'NotImplemented',
) => ({
  $ref: `#/components/responses/${name}`,
});
export const extension = { [EXTENSION]: true };
