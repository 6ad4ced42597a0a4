import { ApiErrorCode, type ProviderEntry, settingProblems } from '@base44-connectors/contract';
import { effectiveSettings, settingsUnfitForUrls } from '../broker/endpoint-urls.js';
import { HttpError } from '../http/errors.js';

/**
 * The settings a request gives a connector, checked against its entry and with the defaults
 * filled in; a 422 naming each wrong setting, of which connector, and why. `where` is the
 * request's path to them (`connection_config`, `connectors.2.connection_config`).
 */
export function checkedSettings(
  entry: ProviderEntry,
  given: Readonly<Record<string, string>>,
  where = 'connection_config',
): Record<string, string> {
  const problems = [
    ...settingProblems(entry.connectionConfigFields, given),
    ...settingsUnfitForUrls(entry, given),
  ];
  if (problems.length === 0) return effectiveSettings(entry, given);
  const errors = problems.map(({ name, message }) => ({
    name: `${where}.${name}`,
    message: `${name} of ${entry.type}: ${message}`,
  }));
  const summary = errors.map((error) => error.message).join('; ');
  throw new HttpError(
    422,
    `Invalid connection_config for ${entry.displayName}: ${summary}`,
    ApiErrorCode.validation,
    {
      errors,
    },
  );
}

/** Whether two sets of settings (defaults filled in) are the same. */
export function sameSettings(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].every((name) => a[name] === b[name]);
}
