import type { ProviderEntryInput } from '@base44-connectors/contract';
import { STANDARD_TOKEN_RESPONSE } from './standard.js';

// Outlook, OneDrive, SharePoint and Teams all go through the Microsoft identity platform and call
// Microsoft Graph. The `common` tenant accepts work, school and personal accounts alike.
// Read 2026-12-03: https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
// - The redirect back carries code, state and session_state, no iss (RFC 9207 is neither documented
//   nor advertised by the openid-configuration), so the entries name no issuer. Were Microsoft to
//   send one, the `common` tenant's would be the signed-in tenant's own
//   (https://login.microsoftonline.com/{tid}/v2.0), which a fixed `issuer` cannot express: such
//   callbacks would be refused until the schema can say so.
// - Each refresh answers a new refresh token that replaces the old one; access tokens live a random
//   60 to 90 minutes, as expires_in says (https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens).

const MICROSOFT_DOCS = 'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow';
const TENANT = 'https://login.microsoftonline.com/common/oauth2/v2.0';

function microsoft(
  type: string,
  displayName: string,
  description: string,
  scopes: readonly string[],
): ProviderEntryInput {
  return {
    type,
    displayName,
    description,
    docsUrl: MICROSOFT_DOCS,
    authorization: { url: `${TENANT}/authorize` },
    token: {
      url: `${TENANT}/token`,
      clientAuthentication: 'client_secret_post',
      response: {
        ...STANDARD_TOKEN_RESPONSE,
      },
    },
    // The UserInfo endpoint is hosted on Graph; it answers `email` when the email scope was granted.
    // Work accounts without a mailbox address may have no email claim at all.
    userInfo: { url: 'https://graph.microsoft.com/oidc/userinfo', emailPath: 'email' },
    // The identity platform has no token revocation endpoint: removal only forgets the tokens.
    scopeSeparator: ' ',
    defaultScopes: [...scopes],
    // `offline_access` is what makes Microsoft issue a refresh token; it rides along with the
    // identity scopes because the schema has no separate "always requested" list.
    requiredScopes: ['openid', 'email', 'offline_access'],
    pkce: true,
  };
}

export const MICROSOFT_ENTRIES: readonly ProviderEntryInput[] = [
  microsoft('outlook', 'Outlook', 'Read the email in your Outlook mailbox', ['Mail.Read']),
  microsoft('one_drive', 'OneDrive', 'See and download the files in your OneDrive', ['Files.Read']),
  microsoft('share_point', 'SharePoint', 'Read the sites, lists and documents in your SharePoint', [
    'Sites.Read.All',
  ]),
  microsoft('microsoft_teams', 'Microsoft Teams', 'See your teams and their channels', [
    'Team.ReadBasic.All',
    'Channel.ReadBasic.All',
  ]),
];
