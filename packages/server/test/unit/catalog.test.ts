import { IntegrationType, ProviderEntry } from '@base44-connectors/contract';
import { describe, expect, it } from 'vitest';
import { CATALOG, findProvider } from '../../src/broker/catalog/index.js';

const REQUIRED_TYPES = [
  'airtable',
  'box',
  'clickup',
  'discord',
  'dropbox',
  'github',
  'gmail',
  'google_analytics',
  'googlebigquery',
  'googlecalendar',
  'google_classroom',
  'googledocs',
  'googledrive',
  'google_search_console',
  'googlesheets',
  'googleslides',
  'hubspot',
  'linear',
  'linkedin',
  'microsoft_teams',
  'one_drive',
  'notion',
  'outlook',
  'salesforce',
  'share_point',
  'slack',
  'slackbot',
  'splitwise',
  'tiktok',
  'typeform',
  'wix',
  'wrike',
];

/** Providers that hand out no email this schema can reach; each says why in its entry. */
const WITHOUT_EMAIL = ['linear', 'slackbot', 'tiktok'];

/** Parameters the broker itself sets; an entry must not override them. */
const PROTOCOL_PARAMETERS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'code_challenge',
  'code_challenge_method',
];

function urlsOf(entry: ProviderEntry): string[] {
  return [
    entry.docsUrl,
    entry.authorization.url,
    entry.token.url,
    ...(entry.userInfo ? [entry.userInfo.url] : []),
    ...(entry.revocation ? [entry.revocation.url] : []),
  ];
}

describe('the provider catalog', () => {
  it('holds entries that parse unchanged against the ProviderEntry schema', () => {
    for (const entry of CATALOG) expect(ProviderEntry.parse(entry), entry.type).toEqual(entry);
  });

  it('has every connector type the public clients know, under its exact name', () => {
    const types = CATALOG.map((entry) => entry.type);
    for (const type of REQUIRED_TYPES) expect(types, type).toContain(type);
  });

  it('has unique types that are valid {type} path segments', () => {
    const types = CATALOG.map((entry) => entry.type);
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) expect(IntegrationType.safeParse(type).success, type).toBe(true);
  });

  it('has a distinct display name for every entry', () => {
    const names = CATALOG.map((entry) => entry.displayName);
    expect(new Set(names).size).toBe(names.length);
  });

  it('talks to every provider over https only', () => {
    for (const entry of CATALOG) {
      for (const url of urlsOf(entry)) expect(new URL(url).protocol, `${entry.type}: ${url}`).toBe('https:');
    }
  });

  it('finds an entry by its type and nothing for an unknown type', () => {
    expect(findProvider('slack')?.displayName).toBe('Slack');
    expect(findProvider('no-such-provider')).toBeUndefined();
    expect(findProvider('Slack')).toBeUndefined();
  });

  it('never lets an entry override a parameter the broker sets itself', () => {
    for (const entry of CATALOG) {
      const fixed = Object.keys(entry.authorization.extraParameters);
      const reserved = [...PROTOCOL_PARAMETERS, entry.authorization.scopeParameter];
      expect(
        fixed.filter((name) => reserved.includes(name)),
        entry.type,
      ).toEqual([]);
    }
  });

  it('lists each scope once, without the separator inside it', () => {
    for (const entry of CATALOG) {
      const scopes = [...entry.requiredScopes, ...entry.defaultScopes];
      expect(new Set(scopes).size, entry.type).toBe(scopes.length);
      for (const scope of scopes) {
        expect(scope, entry.type).not.toMatch(/\s/);
        expect(scope.includes(entry.scopeSeparator), `${entry.type}: ${scope}`).toBe(false);
      }
    }
  });

  it('can refresh every token it is told expires', () => {
    for (const entry of CATALOG) {
      if (entry.token.response.expiresIn) expect(entry.token.response.refreshToken, entry.type).toBeDefined();
    }
  });

  it('asks Google for a refresh token on every consent of the Google family', () => {
    const google = CATALOG.filter((entry) =>
      entry.authorization.url.startsWith('https://accounts.google.com/'),
    );
    expect(google.length).toBe(10);
    for (const entry of google) {
      expect(entry.authorization.extraParameters, entry.type).toMatchObject({
        access_type: 'offline',
        prompt: 'consent',
      });
    }
  });

  it('requests offline_access from Microsoft so its tokens can be refreshed', () => {
    for (const type of ['outlook', 'one_drive', 'share_point', 'microsoft_teams']) {
      expect(findProvider(type)?.requiredScopes, type).toContain('offline_access');
    }
  });

  it('reads the account email for every provider that exposes one', () => {
    for (const entry of CATALOG) {
      const hasEmail = entry.token.response.email !== undefined || entry.userInfo !== undefined;
      expect(hasEmail, entry.type).toBe(!WITHOUT_EMAIL.includes(entry.type));
    }
  });

  it('checks for HTTP-200 errors only where the provider answers that way (Slack)', () => {
    const withOkFlag = CATALOG.filter((entry) => entry.token.response.okFlag).map((entry) => entry.type);
    expect(withOkFlag.sort()).toEqual(['slack', 'slackbot']);
  });

  it('gives each token error code at most one meaning', () => {
    for (const entry of CATALOG) {
      const errors = entry.token.errors;
      if (!errors) continue;
      expect(
        errors.deadGrant.filter((code) => errors.transient.includes(code)),
        entry.type,
      ).toEqual([]);
    }
  });

  it('asks the person for settings only where the provider has several hosts (Salesforce, Typeform)', () => {
    const withSettings = CATALOG.filter((entry) => entry.connectionConfigFields.length > 0);
    expect(withSettings.map((entry) => entry.type).sort()).toEqual(['salesforce', 'typeform']);
    for (const entry of withSettings) {
      for (const field of entry.connectionConfigFields) {
        expect(field.required, `${entry.type}.${field.name}`).toBe(false);
        expect(field.default, `${entry.type}.${field.name}`).toBe(field.placeholder);
      }
    }
  });

  it('names the issuer of the providers that send iss, as an https origin', () => {
    const withIssuer = CATALOG.filter((entry) => entry.issuer).map((entry) => entry.type);
    expect(withIssuer.filter((type) => !type.startsWith('google') && type !== 'gmail')).toEqual(['discord']);
    for (const entry of CATALOG) {
      if (entry.issuer) expect(new URL(entry.issuer).protocol, entry.type).toBe('https:');
    }
  });

  it('puts {token} in a revocation URL exactly when the token travels in the path', () => {
    for (const entry of CATALOG) {
      if (!entry.revocation) continue;
      expect(entry.revocation.url.includes('{token}'), entry.type).toBe(entry.revocation.tokenIn === 'path');
    }
  });

  it('keeps revocation URLs free of query parameters: the token travels in the body or a header', () => {
    for (const entry of CATALOG) {
      if (!entry.revocation) continue;
      expect(new URL(entry.revocation.url).search, entry.type).toBe('');
    }
  });
});
