import * as z from 'zod/mini';
import { IntegrationType } from './catalog.js';
import { ConnectionSettings } from './connection-config.js';
import { STRIPE_TYPE } from './stripe.js';

/** The longest scope a connector may ask for: longer ones are refused by the CLI and the server alike. */
export const MAX_SCOPE_LENGTH = 256;
/** The most scopes one connector may ask for. */
export const MAX_SCOPES_PER_CONNECTOR = 200;

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
    z.maxLength(MAX_SCOPE_LENGTH),
  );

/** The scopes of one connector, in a file and on the wire. */
export const ConnectorScopes = z.array(ConnectorScope).check(z.maxLength(MAX_SCOPES_PER_CONNECTOR));

/** What a connector file says of Stripe's scopes, refused when it lists any. */
export const STRIPE_SCOPES_MESSAGE = 'must be empty for stripe: it is connected without OAuth scopes';

/** The content of one `base44/connectors/<type>.jsonc` file, as editors see it. */
export const ConnectorFile = z
  .object({
    $schema: z.optional(z.string()).check(z.describe('Where editors find this schema')),
    type: IntegrationType.check(
      z.describe('The connector type, as `base44 connectors list-available` names it, e.g. "slack"'),
    ),
    scopes: z
      ._default(ConnectorScopes, [])
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
    // Judged once the rest of the file holds: a list of bad scopes is reported as such first.
    z.refine((file) => file.type !== STRIPE_TYPE || file.scopes.length === 0, {
      path: ['scopes'],
      message: STRIPE_SCOPES_MESSAGE,
      when: (payload) => payload.issues.length === 0,
    }),
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
