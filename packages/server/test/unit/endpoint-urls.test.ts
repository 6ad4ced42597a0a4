import { ProviderEntry, type ProviderEntryInput } from '@base44-connectors/contract';
import { describe, expect, it } from 'vitest';
import { buildAuthorizationRequest } from '../../src/broker/authorization-request.js';
import { findProvider } from '../../src/broker/catalog/index.js';
import { effectiveSettings, settingsUnfitForUrls, withEndpointsFor } from '../../src/broker/endpoint-urls.js';
import type { ConfiguredProvider } from '../../src/broker/provider.js';

const credentials = { clientId: 'id', clientSecret: 'secret' };

function configured(type: string): ConfiguredProvider {
  const entry = findProvider(type);
  if (!entry) throw new Error(`no ${type} in the catalog`);
  return { entry, ...credentials };
}

/** An entry whose every URL names the setting `host`, declared with the given field properties. */
function templatedEntry(field: Record<string, unknown> = {}): ProviderEntryInput {
  return {
    type: 'acme',
    displayName: 'Acme',
    description: 'Acme',
    docsUrl: 'https://example.com/',
    connectionConfigFields: [
      {
        name: 'host',
        display_name: 'Host',
        description: 'The host',
        placeholder: 'a.example.com',
        required: false,
        default: 'a.example.com',
        validation_pattern: '^[a-z]\\.example\\.com$',
        ...field,
      },
    ],
    authorization: { url: 'https://{connection_config.host}/authorize' },
    token: {
      url: 'https://{connection_config.host}/token',
      clientAuthentication: 'client_secret_post',
      response: { accessToken: 'access_token' },
    },
    scopeSeparator: ' ',
    defaultScopes: [],
    pkce: false,
  };
}

describe('endpoint URLs filled from the connection settings', () => {
  it('puts the Salesforce login host into all four endpoints', () => {
    const { entry } = withEndpointsFor(configured('salesforce'), { login_host: 'test.salesforce.com' });
    expect(entry.authorization.url).toBe('https://test.salesforce.com/services/oauth2/authorize');
    expect(entry.token.url).toBe('https://test.salesforce.com/services/oauth2/token');
    expect(entry.userInfo?.url).toBe('https://test.salesforce.com/services/oauth2/userinfo');
    expect(entry.revocation?.url).toBe('https://test.salesforce.com/services/oauth2/revoke');
  });

  it('uses the field default when the person gave no value', () => {
    const { entry } = withEndpointsFor(configured('salesforce'), {});
    expect(entry.token.url).toBe('https://login.salesforce.com/services/oauth2/token');
    expect(effectiveSettings(entry, {})).toEqual({ login_host: 'login.salesforce.com' });
  });

  it('sends the browser to the My Domain host of a sandbox for consent', async () => {
    const provider = withEndpointsFor(configured('salesforce'), {
      login_host: 'acme--uat.sandbox.my.salesforce.com',
    });
    const request = await buildAuthorizationRequest(provider, {
      redirectUri: 'https://b/cb',
      scopes: ['api'],
    });
    expect(new URL(request.url).origin).toBe('https://acme--uat.sandbox.my.salesforce.com');
  });

  it('asks the Typeform account of the EU data center on its own API host, its tokens still at api.typeform.com', () => {
    const { entry } = withEndpointsFor(configured('typeform'), { api_host: 'api.eu.typeform.com' });
    expect(entry.userInfo?.url).toBe('https://api.eu.typeform.com/me');
    expect(entry.token.url).toBe('https://api.typeform.com/oauth/token');
  });

  it('leaves an entry without templates as it is', () => {
    const provider = configured('slack');
    expect(withEndpointsFor(provider, {})).toBe(provider);
  });

  it('refuses to build a URL from a value its pattern does not accept, even one already stored', () => {
    for (const login_host of [
      'evil.example.com',
      'login.salesforce.com/x',
      'login.salesforce.com@evil.example.com',
    ])
      expect(() => withEndpointsFor(configured('salesforce'), { login_host })).toThrow(/login_host/);
  });

  it('refuses a value with URL delimiters even where a loose pattern would take it', () => {
    const entry = ProviderEntry.parse(templatedEntry({ validation_pattern: '.+', default: 'a.example.com' }));
    const provider = { entry, ...credentials };
    expect(() => withEndpointsFor(provider, { host: 'a.example.com/evil?' })).toThrow(/host/);
    expect(settingsUnfitForUrls(entry, { host: 'evil.com#' })).toEqual([
      { name: 'host', message: expect.stringContaining('goes into a URL') },
    ]);
    expect(settingsUnfitForUrls(entry, { host: 'b.example.com' })).toEqual([]);
  });
});

describe('the catalog schema, on an entry with URL templates', () => {
  const issuesOf = (input: ProviderEntryInput) =>
    ProviderEntry.safeParse(input).error?.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    ) ?? [];

  it('accepts a template naming a declared field with a pattern and a default', () => {
    expect(issuesOf(templatedEntry())).toEqual([]);
  });

  it('refuses a template naming a field the entry does not declare', () => {
    const entry = {
      ...templatedEntry(),
      token: { ...templatedEntry().token, url: 'https://{connection_config.hots}/token' },
    };
    expect(issuesOf(entry)).toEqual([
      expect.stringMatching(/^token\.url: names \{connection_config\.hots\}.*does not declare/),
    ]);
  });

  it('refuses a templated field without a validation_pattern, or optional without a default', () => {
    expect(issuesOf(templatedEntry({ validation_pattern: undefined }))).toContainEqual(
      expect.stringContaining('has no validation_pattern'),
    );
    expect(issuesOf(templatedEntry({ default: undefined }))).toContainEqual(
      expect.stringContaining('optional without a default'),
    );
    expect(issuesOf(templatedEntry({ default: undefined, required: true }))).toEqual([]);
  });

  it('refuses a default its own pattern refuses, and a pattern that does not compile', () => {
    expect(issuesOf(templatedEntry({ default: 'elsewhere.com' }))).toEqual([
      'connectionConfigFields.0.default: does not match its own validation_pattern',
    ]);
    expect(issuesOf(templatedEntry({ validation_pattern: '(' }))).toContainEqual(
      'connectionConfigFields.0.validation_pattern: is not a regular expression',
    );
  });

  it('refuses a setting named like a connection_config value of the token response', () => {
    const input = templatedEntry();
    const entry = {
      ...input,
      token: {
        ...input.token,
        response: { accessToken: 'access_token', connectionConfig: { host: 'host' } },
      },
    };
    expect(issuesOf(entry)).toEqual([
      expect.stringContaining('also a connection_config value of the token response'),
    ]);
  });
});
