import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/broker/catalog/index.js';
import { createProviderRegistry } from '../../src/broker/registry.js';

const sandbox = {
  issuer: 'http://127.0.0.1:4044/sandbox',
  endpoints: {
    authorization: 'http://127.0.0.1:4044/sandbox/auth',
    token: 'http://127.0.0.1:4044/sandbox/token',
    revocation: 'http://127.0.0.1:4044/sandbox/token/revocation',
    api: 'http://127.0.0.1:4044/sandbox/api/whoami',
  },
  clientId: 'base44-server',
  clientSecret: 'secret',
};

describe('the provider registry', () => {
  it('lets the sandbox play every provider, keeping its name and scopes but speaking plain OAuth', () => {
    const registry = createProviderRegistry({ catalog: CATALOG, extraCatalog: [], credentials: {}, sandbox });
    const slack = registry.resolve('slack');
    expect(slack.kind).toBe('ready');
    if (slack.kind !== 'ready') return;
    expect(slack.provider.entry).toMatchObject({
      displayName: 'Slack',
      issuer: sandbox.issuer,
      authorization: { url: sandbox.endpoints.authorization, scopeParameter: 'scope' },
      token: { url: sandbox.endpoints.token, clientAuthentication: 'client_secret_basic' },
      scopeSeparator: ' ',
      pkce: true,
    });
    expect(registry.entries().every((entry) => entry.configured)).toBe(true);
  });

  it('uses configured credentials, and names the settings a provider without them needs', () => {
    const registry = createProviderRegistry({
      catalog: CATALOG,
      extraCatalog: [],
      credentials: { notion: { clientId: 'id', clientSecret: 'secret' } },
    });
    expect(registry.resolve('notion')).toMatchObject({ kind: 'ready', provider: { clientId: 'id' } });
    expect(registry.resolve('google_analytics')).toMatchObject({
      kind: 'unconfigured',
      settings: [
        'BASE44_PROVIDER_GOOGLE_ANALYTICS_CLIENT_ID',
        'BASE44_PROVIDER_GOOGLE_ANALYTICS_CLIENT_SECRET',
      ],
    });
    expect(
      registry
        .entries()
        .filter((entry) => entry.configured)
        .map((entry) => entry.entry.type),
    ).toEqual(['notion']);
  });

  it('refuses Wix with the reason its entry gives, and leaves it out of what it offers, sandbox or not', () => {
    const sandboxed = createProviderRegistry({
      catalog: CATALOG,
      extraCatalog: [],
      credentials: {},
      sandbox,
    });
    const configured = createProviderRegistry({
      catalog: CATALOG,
      extraCatalog: [],
      credentials: { wix: { clientId: 'id', clientSecret: 'secret' } },
    });
    for (const registry of [sandboxed, configured]) {
      const wix = registry.resolve('wix');
      expect(wix).toMatchObject({ kind: 'unsupported', entry: { displayName: 'Wix' } });
      if (wix.kind === 'unsupported') expect(wix.reason).toMatch(/authorization-code flow to new apps/);
      const offered = registry.entries().map(({ entry }) => entry.type);
      expect(offered).not.toContain('wix');
      expect(offered).toHaveLength(CATALOG.length - 1);
    }
  });

  it('suggests the closest known type for an unknown one', () => {
    const registry = createProviderRegistry({ catalog: CATALOG, extraCatalog: [], credentials: {} });
    expect(registry.resolve('googlecalender')).toEqual({ kind: 'unknown', suggestion: 'googlecalendar' });
    expect(registry.resolve('zzzzzzzzzz')).toEqual({ kind: 'unknown', suggestion: undefined });
  });

  it('adds entries from the providers file, and says where one is wrong', () => {
    const acme = { ...CATALOG.find((entry) => entry.type === 'linear')!, type: 'acme', displayName: 'Acme' };
    const registry = createProviderRegistry({ catalog: CATALOG, extraCatalog: [acme], credentials: {} });
    expect(registry.resolve('acme')).toMatchObject({ kind: 'unconfigured' });
    expect(() =>
      createProviderRegistry({
        catalog: CATALOG,
        extraCatalog: [{ ...acme, scopeSeparator: ';' }],
        credentials: {},
      }),
    ).toThrow(/providers file, catalog\[0\]\.scopeSeparator/);
  });
});
