import type { ProviderScript } from '../support/documented-provider.js';
import { BUSINESS_SCRIPTS } from './business.js';
import { GOOGLE_SCRIPTS } from './google.js';
import { MICROSOFT_SCRIPTS } from './microsoft.js';
import { SLACK_SCRIPTS } from './slack.js';
import { SOCIAL_SCRIPTS } from './social.js';
import { STORAGE_SCRIPTS } from './storage.js';
import { WORKSPACE_SCRIPTS } from './workspace.js';

/** Every documented fake, one per catalog type the server offers. */
export const ALL_SCRIPTS: readonly ProviderScript[] = [
  ...GOOGLE_SCRIPTS,
  ...MICROSOFT_SCRIPTS,
  ...SLACK_SCRIPTS,
  ...STORAGE_SCRIPTS,
  ...WORKSPACE_SCRIPTS,
  ...BUSINESS_SCRIPTS,
  ...SOCIAL_SCRIPTS,
];
