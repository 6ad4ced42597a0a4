import { ProviderEntry } from '@base44-connectors/contract';
import { BUSINESS_ENTRIES } from './business.js';
import { GOOGLE_ENTRIES } from './google.js';
import { MICROSOFT_ENTRIES } from './microsoft.js';
import { SLACK_ENTRIES } from './slack.js';
import { SOCIAL_ENTRIES } from './social.js';
import { STORAGE_ENTRIES } from './storage.js';
import { WORKSPACE_ENTRIES } from './workspace.js';

/** Every provider this server knows, each entry checked against the schema when the module loads. */
export const CATALOG: readonly ProviderEntry[] = Object.freeze(
  [
    ...GOOGLE_ENTRIES,
    ...MICROSOFT_ENTRIES,
    ...SLACK_ENTRIES,
    ...STORAGE_ENTRIES,
    ...WORKSPACE_ENTRIES,
    ...BUSINESS_ENTRIES,
    ...SOCIAL_ENTRIES,
  ].map((input) => ProviderEntry.parse(input)),
);

const BY_TYPE = new Map(CATALOG.map((entry) => [entry.type, entry]));

export function findProvider(type: string): ProviderEntry | undefined {
  return BY_TYPE.get(type);
}
