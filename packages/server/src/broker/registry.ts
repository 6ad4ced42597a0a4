import { closestMatch, ProviderEntry } from '@base44-connectors/contract';
import type { ProviderCredentials } from '../config.js';
import type { ConfiguredProvider } from './provider.js';

export type ProviderResolution =
  | { kind: 'unknown'; suggestion: string | undefined }
  | { kind: 'unconfigured'; entry: ProviderEntry; settings: string[] }
  /** In the catalog, but no OAuth connector can work with it; `reason` says why. */
  | { kind: 'unsupported'; entry: ProviderEntry; reason: string }
  | { kind: 'ready'; provider: ConfiguredProvider };

export interface ProviderRegistry {
  /** What this server offers: every entry but the unsupported ones. */
  entries(): readonly { entry: ProviderEntry; configured: boolean }[];
  resolve(type: string): ProviderResolution;
}

/** The sandbox provider's side of things, when it plays every provider (`--sandbox`). */
export interface SandboxStandIn {
  issuer: string;
  endpoints: { authorization: string; token: string; revocation: string; api: string };
  clientId: string;
  clientSecret: string;
}

/**
 * What this server can authorize: the catalog (plus entries from the providers file), each with
 * the client credentials the configuration gives it, or with the sandbox standing in for all.
 */
export function createProviderRegistry(options: {
  catalog: readonly ProviderEntry[];
  extraCatalog: readonly unknown[];
  credentials: Readonly<Record<string, ProviderCredentials>>;
  sandbox?: SandboxStandIn | undefined;
}): ProviderRegistry {
  const byType = new Map(options.catalog.map((entry) => [entry.type, entry]));
  options.extraCatalog.forEach((input, index) => {
    const parsed = ProviderEntry.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`providers file, catalog[${index}].${issue?.path.join('.')}: ${issue?.message}`);
    }
    byType.set(parsed.data.type, parsed.data);
  });
  const types = [...byType.keys()].sort();

  const resolve = (type: string): ProviderResolution => {
    const entry = byType.get(type);
    if (!entry) return { kind: 'unknown', suggestion: closestMatch(type, types) };
    if (entry.unsupported) return { kind: 'unsupported', entry, reason: entry.unsupported };
    if (options.sandbox) {
      const { sandbox } = options;
      return {
        kind: 'ready',
        provider: {
          entry: playedBySandbox(entry, sandbox),
          clientId: sandbox.clientId,
          clientSecret: sandbox.clientSecret,
        },
      };
    }
    const credentials = options.credentials[type];
    if (!credentials) return { kind: 'unconfigured', entry, settings: credentialSettings(type) };
    return { kind: 'ready', provider: { entry, ...credentials } };
  };

  return {
    entries: () =>
      types
        .map((type) => byType.get(type)!)
        .filter((entry) => !entry.unsupported)
        .map((entry) => ({ entry, configured: resolve(entry.type).kind === 'ready' })),
    resolve,
  };
}

export function credentialSettings(type: string): string[] {
  const prefix = `BASE44_PROVIDER_${type.toUpperCase().replace(/-/g, '_')}`;
  return [`${prefix}_CLIENT_ID`, `${prefix}_CLIENT_SECRET`];
}

/**
 * The entry as the sandbox plays it: standard OAuth 2.0 at the sandbox's endpoints (PKCE, Basic
 * client auth, space-separated scopes), the account email from its whoami API. The name,
 * description and scopes stay the provider's, so the flow looks like the real one.
 */
function playedBySandbox(entry: ProviderEntry, sandbox: SandboxStandIn): ProviderEntry {
  return ProviderEntry.parse({
    type: entry.type,
    displayName: entry.displayName,
    description: entry.description,
    docsUrl: entry.docsUrl,
    issuer: sandbox.issuer,
    authorization: { url: sandbox.endpoints.authorization },
    token: {
      url: sandbox.endpoints.token,
      clientAuthentication: 'client_secret_basic',
      response: {
        accessToken: 'access_token',
        refreshToken: 'refresh_token',
        expiresIn: 'expires_in',
        scope: 'scope',
      },
    },
    userInfo: { url: sandbox.endpoints.api, emailPath: 'email' },
    revocation: { url: sandbox.endpoints.revocation, clientAuthentication: 'client_secret_basic' },
    scopeSeparator: ' ',
    defaultScopes: entry.defaultScopes,
    pkce: true,
    connectionConfigFields: entry.connectionConfigFields,
  });
}
