import {
  type ConnectionConfigFieldEntry,
  fillSettings,
  type ProviderEntry,
  type SettingProblem,
  settingPattern,
  settingsNamedIn,
} from '@base44-connectors/contract';
import type { ConfiguredProvider } from './provider.js';

// An entry's endpoint URLs may name the connection's settings, `https://{connection_config.login_host}/…`.
// This is the one place they are filled in: every protocol step gets a provider whose URLs are
// concrete, and only a value its field's pattern accepts, made of host-name characters, is put in.

/** What a value filled into a URL may hold, whatever a field's pattern allows: a host name, a port, a plain word. */
const URL_SAFE_VALUE = /^[A-Za-z0-9._~:-]+$/;

/** The settings of one connection, each declared field with the person's value or else its default. */
export function effectiveSettings(
  entry: ProviderEntry,
  given: Readonly<Record<string, string>>,
): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const field of entry.connectionConfigFields) {
    const value = given[field.name] ?? field.default;
    if (value !== undefined) settings[field.name] = value;
  }
  return settings;
}

/** The settings given for fields an endpoint URL names that hold more than host-name characters. */
export function settingsUnfitForUrls(
  entry: ProviderEntry,
  given: Readonly<Record<string, string>>,
): SettingProblem[] {
  const inUrls = new Set(endpointTemplates(entry).flatMap(settingsNamedIn));
  return Object.entries(given)
    .filter(([name, value]) => inUrls.has(name) && !URL_SAFE_VALUE.test(value))
    .map(([name]) => ({
      name,
      message: 'goes into a URL, so it may hold only letters, digits, ".", "_", "~", ":" and "-"',
    }));
}

/**
 * The provider with its endpoint URLs (and issuer) filled from the connection's settings. Throws
 * when a setting a URL needs is missing or no longer fits its field (a stored value the catalog
 * has since narrowed): the URL is never built from it.
 */
export function withEndpointsFor(
  provider: ConfiguredProvider,
  settings: Readonly<Record<string, string>>,
): ConfiguredProvider {
  const { entry } = provider;
  if (!endpointTemplates(entry).some((template) => settingsNamedIn(template).length > 0)) return provider;
  const fill = (template: string) => fillSettings(template, (name) => checkedValue(entry, name, settings));
  return {
    ...provider,
    entry: {
      ...entry,
      ...(entry.issuer === undefined ? {} : { issuer: fill(entry.issuer) }),
      authorization: { ...entry.authorization, url: fill(entry.authorization.url) },
      token: { ...entry.token, url: fill(entry.token.url) },
      ...(entry.userInfo ? { userInfo: { ...entry.userInfo, url: fill(entry.userInfo.url) } } : {}),
      ...(entry.revocation ? { revocation: { ...entry.revocation, url: fill(entry.revocation.url) } } : {}),
    },
  };
}

function endpointTemplates(entry: ProviderEntry): string[] {
  return [
    entry.issuer,
    entry.authorization.url,
    entry.token.url,
    entry.userInfo?.url,
    entry.revocation?.url,
  ].filter((template): template is string => template !== undefined);
}

function checkedValue(
  entry: ProviderEntry,
  name: string,
  settings: Readonly<Record<string, string>>,
): string {
  const field: ConnectionConfigFieldEntry | undefined = entry.connectionConfigFields.find(
    (declared) => declared.name === name,
  );
  const value = settings[name] ?? field?.default;
  const fits =
    field?.validation_pattern !== undefined &&
    value !== undefined &&
    settingPattern(field.validation_pattern).test(value) &&
    URL_SAFE_VALUE.test(value);
  if (!fits)
    throw new Error(`${entry.displayName}: the setting ${name} of this connection does not fit its URL`);
  return value;
}
