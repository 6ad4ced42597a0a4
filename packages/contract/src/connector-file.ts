import * as z from 'zod/mini';
import { IntegrationType } from './catalog.js';
import { ConnectionSettings } from './connection-config.js';

/**
 * One OAuth scope, as a connector file writes it and as the API takes it. Providers split their
 * scope parameter at spaces, so a string with a space would silently ask for several scopes;
 * control characters and broken Unicode (lone surrogates) cannot travel as UTF-8 unchanged, and
 * bidirectional overrides make a scope read as another (see UNSAFE_CHARACTER).
 */
export const ConnectorScope = z
  .string()
  .check(
    z.minLength(1),
    z.regex(
      /^[^\s\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]+$/u,
      'must be one scope, without spaces or control characters',
    ),
  );

/** A scope on the wire: one scope (ConnectorScope), of at most 256 characters. */
export const WireScope = ConnectorScope.check(z.maxLength(256));

/** The content of one `base44/connectors/<type>.jsonc` file, as editors see it. */
export const ConnectorFile = z
  .object({
    $schema: z.optional(z.string()).check(z.describe('Where editors find this schema')),
    type: IntegrationType.check(
      z.describe('The connector type, as `base44 connectors list-available` names it, e.g. "slack"'),
    ),
    scopes: z
      ._default(z.array(ConnectorScope), [])
      .check(z.describe('The OAuth scopes to request, exactly as the provider writes them')),
    connection_config: z
      .optional(ConnectionSettings)
      .check(
        z.describe(
          'Settings of the connection, by the names `base44 connectors list-available` shows, e.g. {"login_host": "test.salesforce.com"}; absent keeps the settings the connector has',
        ),
      ),
  })
  .check(
    z.describe('A base44 connector: one OAuth connection of the app, pushed with `base44 connectors push`'),
  );

/** Where base44-server serves the schema. */
export const CONNECTOR_FILE_SCHEMA_PATH = '/schemas/connector-file.json';

/** The JSON Schema of connector files, published as packages/contract/schemas/connector-file.schema.json. */
export function connectorFileJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConnectorFile, { io: 'input' }),
    title: 'base44 connector file',
  };
}
