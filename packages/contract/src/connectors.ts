import { z } from 'zod';
import { ConnectionConfigField, ConnectorStatus, IntegrationType } from './catalog.js';

// The connector endpoints of spec/api.md, under /api/apps/{appId}/external-auth/.

export const ListedIntegration = z.object({
  integration_type: z.string(),
  status: ConnectorStatus,
  scopes: z.array(z.string()),
  user_email: z.string().optional(),
  /** [ext] The connector's own state; `pending` (authorization not yet completed) lists as `disconnected`. */
  state: z.enum(['pending', 'active', 'expired', 'disconnected']).optional(),
});
export const ListIntegrationsResponse = z.object({ integrations: z.array(ListedIntegration) });
export type ListIntegrationsResponse = z.infer<typeof ListIntegrationsResponse>;

export const UpsertIntegrationRequest = z.object({
  scopes: z.array(z.string().min(1).max(256)).max(200).default([]),
});

/** All six keys are always present (spec/api.md). */
export const UpsertIntegrationResponse = z.object({
  redirect_url: z.string().nullable(),
  connection_id: z.string().nullable(),
  already_authorized: z.boolean(),
  error: z.string().nullable(),
  error_message: z.string().nullable(),
  other_user_email: z.string().nullable(),
});
export type UpsertIntegrationResponse = z.infer<typeof UpsertIntegrationResponse>;

export const ConnectionStatus = z.enum(['ACTIVE', 'FAILED', 'PENDING']);
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;
export const ConnectionStatusResponse = z.object({
  status: ConnectionStatus,
  /** [ext] Why a connection failed, for people. */
  failure_reason: z.string().optional(),
});
export type ConnectionStatusResponse = z.infer<typeof ConnectionStatusResponse>;

export const AvailableIntegration = z.object({
  integration_type: IntegrationType,
  display_name: z.string(),
  description: z.string(),
  connection_config_fields: z.array(ConnectionConfigField),
  /** [ext] The scopes `connectors create` writes into a new file. */
  default_scopes: z.array(z.string()).optional(),
  /** [ext] False when this server has no client credentials for the provider. */
  configured: z.boolean().optional(),
});
export const AvailableIntegrationsResponse = z.object({ integrations: z.array(AvailableIntegration) });
export type AvailableIntegrationsResponse = z.infer<typeof AvailableIntegrationsResponse>;

export const RemoveIntegrationResponse = z.object({
  status: z.literal('removed'),
  integration_type: z.string(),
});

export const TokenForIntegrationResponse = z.object({
  access_token: z.string(),
  integration_type: z.string(),
  connection_config: z.record(z.string(), z.unknown()).nullable(),
});
export type TokenForIntegrationResponse = z.infer<typeof TokenForIntegrationResponse>;
