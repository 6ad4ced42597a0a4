import type { ProviderEntryInput } from '@base44-connectors/contract';
import { STANDARD_TOKEN_RESPONSE } from './standard.js';

// Outlook, OneDrive, SharePoint and Teams all go through the Microsoft identity platform and call
// Microsoft Graph. The `common` tenant accepts work, school and personal accounts alike.
// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow

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
