import * as z from 'zod/mini';
import { ConnectionConfigField, ConnectorStatus, IntegrationType } from './catalog.js';
import { ConnectionSettings } from './connection-config.js';
import { ConnectorScopes } from './connector-file.js';

// The connector endpoints of spec/api.md, under /api/apps/{appId}/external-auth/.

/**
 * A type as a server may list it: letters (either case), digits, `_` and `-`, so that it is safe as
 * a file name. base44-server's own types are lower-case (`IntegrationType`).
 */
export const ListedType = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'is not a connector type'));

export const ListedIntegration = z.object({
  integration_type: ListedType,
  status: ConnectorStatus,
  scopes: z.array(z.string()),
  user_email: z.optional(z.string()),
  /** [ext] The connector's own state; `pending` (authorization not yet completed) lists as `disconnected`. */
  state: z.optional(z.enum(['pending', 'active', 'expired', 'disconnected'])),
  /** [ext] The connection's settings, defaults filled in, as `PUT integrations/{type}` takes them. */
  settings: z.optional(z.record(z.string(), z.string())),
  /** [ext] What backend code receives as `connection_config` from the token API. */
  connection_config: z.optional(z.record(z.string(), z.unknown())),
});
export const ListIntegrationsResponse = z.object({ integrations: z.array(ListedIntegration) });
export type ListIntegrationsResponse = z.infer<typeof ListIntegrationsResponse>;

export const UpsertIntegrationRequest = z.object({
  scopes: z._default(ConnectorScopes, []),
  /**
   * The settings the connector's `connection_config_fields` declare, by name. Absent keeps the
   * settings the connector has; a field left out takes its default.
   */
  connection_config: z.optional(ConnectionSettings),
});

/** All six keys are always present (spec/api.md). */
export const UpsertIntegrationResponse = z.object({
  redirect_url: z.nullable(z.string()),
  connection_id: z.nullable(z.string()),
  already_authorized: z.boolean(),
  error: z.nullable(z.string()),
  error_message: z.nullable(z.string()),
  other_user_email: z.nullable(z.string()),
});
export type UpsertIntegrationResponse = z.infer<typeof UpsertIntegrationResponse>;

export const ConnectionStatus = z.enum(['ACTIVE', 'FAILED', 'PENDING']);
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;
export const ConnectionStatusResponse = z.object({
  status: ConnectionStatus,
  /** [ext] Why a connection failed, for people. */
  failure_reason: z.optional(z.string()),
});
export type ConnectionStatusResponse = z.infer<typeof ConnectionStatusResponse>;

export const AvailableIntegration = z.object({
  integration_type: IntegrationType,
  display_name: z.string(),
  description: z.string(),
  connection_config_fields: z.array(ConnectionConfigField),
  /** [ext] The scopes `connectors create` writes into a new file. */
  default_scopes: z.optional(z.array(z.string())),
  /** [ext] False when this server has no client credentials for the provider. */
  configured: z.optional(z.boolean()),
});
export type AvailableIntegration = z.infer<typeof AvailableIntegration>;
export const AvailableIntegrationsResponse = z.object({ integrations: z.array(AvailableIntegration) });
export type AvailableIntegrationsResponse = z.infer<typeof AvailableIntegrationsResponse>;

export const RemoveIntegrationResponse = z.object({
  status: z.literal('removed'),
  integration_type: z.string(),
  /** [ext] Whether the provider revoked the token. */
  revoked: z.optional(z.boolean()),
});

// Stripe, under /api/apps/{appId}/payments/: provisioned by the Base44 cloud, declared by a
// project as `connectors/stripe.jsonc` = {"type": "stripe"}.

export const StripeStatusResponse = z.object({
  stripe_mode: z.nullable(z.enum(['sandbox', 'live'])),
  sandbox_claim_url: z.optional(z.nullable(z.string())),
});
export type StripeStatusResponse = z.infer<typeof StripeStatusResponse>;
export const StripeInstallResponse = z.object({
  already_installed: z.boolean(),
  claim_url: z.nullable(z.string()),
});
export const StripeRemoveResponse = z.object({ success: z.boolean() });

export const TokenForIntegrationResponse = z.object({
  access_token: z.string(),
  integration_type: z.string(),
  connection_config: z.nullable(z.record(z.string(), z.unknown())),
});
export type TokenForIntegrationResponse = z.infer<typeof TokenForIntegrationResponse>;
