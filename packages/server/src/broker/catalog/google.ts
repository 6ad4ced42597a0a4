import type { ProviderEntryInput } from '@base44-connectors/contract';

// Every Google API shares one OAuth server; the connectors differ only in name and scopes.
// https://developers.google.com/identity/protocols/oauth2/web-server

const GOOGLE_DOCS = 'https://developers.google.com/identity/protocols/oauth2/web-server';
const SCOPE = 'https://www.googleapis.com/auth/';

function google(
  type: string,
  displayName: string,
  description: string,
  scopes: readonly string[],
): ProviderEntryInput {
  return {
    type,
    displayName,
    description,
    docsUrl: GOOGLE_DOCS,
    // Google puts iss on its authorization responses; the value is the issuer of its discovery
    // document (read 2026-12-03, https://accounts.google.com/.well-known/openid-configuration).
    issuer: 'https://accounts.google.com',
    authorization: {
      url: 'https://accounts.google.com/o/oauth2/v2/auth',
      // A refresh token only comes with access_type=offline, and only on the first consent unless
      // prompt=consent asks again (so a reconnect gets a fresh one too).
      extraParameters: { access_type: 'offline', prompt: 'consent' },
    },
    token: {
      url: 'https://oauth2.googleapis.com/token',
      clientAuthentication: 'client_secret_post',
      response: {
        accessToken: 'access_token',
        // Absent on a refresh: Google keeps the refresh token it issued at consent.
        refreshToken: 'refresh_token',
        expiresIn: 'expires_in',
        scope: 'scope',
      },
    },
    userInfo: { url: 'https://openidconnect.googleapis.com/v1/userinfo', emailPath: 'email' },
    // A form with `token` alone, no client authentication; revoking the refresh token ends the
    // grant (read 2026-12-03, the docsUrl, "Revoking a token").
    revocation: { url: 'https://oauth2.googleapis.com/revoke', clientAuthentication: 'none' },
    scopeSeparator: ' ',
    defaultScopes: scopes.map((scope) => `${SCOPE}${scope}`),
    requiredScopes: ['openid', 'email'],
    pkce: true,
  };
}

export const GOOGLE_ENTRIES: readonly ProviderEntryInput[] = [
  google('gmail', 'Gmail', 'Read the email in your Gmail mailbox', ['gmail.readonly']),
  google('google_analytics', 'Google Analytics', 'View your Google Analytics reports and properties', [
    'analytics.readonly',
  ]),
  google('googlebigquery', 'Google BigQuery', 'View your BigQuery datasets and run read-only queries', [
    'bigquery.readonly',
  ]),
  google('googlecalendar', 'Google Calendar', 'See your calendars and their events', ['calendar.readonly']),
  google('google_classroom', 'Google Classroom', 'See your Google Classroom classes', [
    'classroom.courses.readonly',
  ]),
  google('googledocs', 'Google Docs', 'Read your Google Docs documents', ['documents.readonly']),
  google('googledrive', 'Google Drive', 'See and download the files in your Google Drive', [
    'drive.readonly',
  ]),
  google('google_search_console', 'Google Search Console', 'View Search Console data for your sites', [
    'webmasters.readonly',
  ]),
  google('googlesheets', 'Google Sheets', 'Read and edit your Google Sheets spreadsheets', ['spreadsheets']),
  google('googleslides', 'Google Slides', 'Read your Google Slides presentations', [
    'presentations.readonly',
  ]),
];
