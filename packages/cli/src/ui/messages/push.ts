import type { PlannedAction } from '@base44-connectors/contract';
import { printable } from '../../core/printable.js';
import type { Paint } from '../output.js';

// Every line `connectors push` shows people; the wording of spec/connectors-push.md.

const plural = (count: number, one: string, many: string) => (count === 1 ? one : many);

export const pushText = {
  found: (types: string[]) =>
    types.length === 0
      ? 'Found no connectors to push: every connector of the app will be removed'
      : `Found ${types.length} ${plural(types.length, 'connector', 'connectors')} to push: ${types.join(', ')}`,
  pushed: (paint: Paint) => `${paint.green('✓')} Connectors pushed`,
  conflict: (message: string) => `${message}. Planning again from the app's connectors as they are now.`,
  // The spec's own line for two or more; plain singular for one.
  needAuthorization: (count: number) =>
    count === 1
      ? '1 connector requires authorization in your browser:'
      : `${count} connector(s) require authorization in your browser:`,
  authorizationUrl: (type: string, url: string) => `  ${type}: ${url}`,
  question: 'Open browser to authorize now?',
  opening: (type: string) => `Opening browser for ${type}...`,
  browserFailed: (type: string) =>
    `  No browser could be opened for ${type}: open its link above. Still waiting.`,
  linkNotOpened: (type: string) =>
    `  The link for ${type} does not lead to the server's own pages, so it was not opened. Still waiting.`,
  completed: (paint: Paint, type: string) => `${paint.green('✓')} ${type} authorization complete`,
  notCompleted: (paint: Paint, type: string, reason: string) => `${paint.red('✗')} ${type} ${reason}`,
  skipped: (types: string[]) =>
    `Authorization skipped. Pending: ${types.join(', ')}. Run 'base44 connectors push' again to complete.`,
  interruptedBeforeApplying: 'Interrupted: nothing was pushed.',
  interruptedWhileApplying:
    "Interrupted while the push was being applied. Run 'base44 connectors push' again: it starts from what the server holds.",
  interruptedWhileWaiting: (types: string[]) =>
    `Interrupted. Pending: ${types.join(', ')}. Run 'base44 connectors push' again to complete.`,
  nonInteractive:
    "Skipped OAuth in non-interactive mode. Run 'base44 connectors push' locally or open the links above to authorize.",
  summary: 'Summary:',
  synced: (types: string[]) => `  Synced: ${types.join(', ')}`,
  added: (types: string[]) => `  Added: ${types.join(', ')}`,
  removed: (types: string[]) => `  Removed: ${types.join(', ')}`,
  failed: (items: { type: string; reason: string }[]) =>
    `  Failed: ${items.map((item) => `${item.type} (${item.reason})`).join(', ')}`,
  claimStripe: (url: string) => `  Claim your Stripe sandbox: ${url}`,
  dashboard: (url: string) => `  Dashboard: ${url}`,
  planLine: (action: PlannedAction): string | undefined => {
    const line = planLineOf(action);
    return line === undefined ? undefined : printable(line);
  },
  noChanges: 'No changes: the app already matches your connector files.',
};

function planLineOf(action: PlannedAction): string | undefined {
  switch (action.action) {
    case 'add':
      return `+ ${action.type} (new, needs authorization)`;
    case 'update': {
      const scopes = [...action.added.map((s) => `+${s}`), ...action.removed.map((s) => `-${s}`)];
      const changes = [
        ...(scopes.length > 0 ? [`scopes ${scopes.join(' ')}`] : []),
        ...(action.changed_settings?.length
          ? [`connection_config ${action.changed_settings.join(', ')}`]
          : []),
      ];
      return `~ ${action.type} ${changes.join('; ')}`;
    }
    case 'remove':
      return `- ${action.type} (not in local files)`;
    case 'keep':
      return action.status === 'active'
        ? undefined
        : `~ ${action.type} (${action.status}, needs authorization)`;
  }
}
