import type { AuditEvent } from './events.js';

/** An audit event in words, as the app's page shows it: a short label and what changed. */
export function describeAuditEvent(event: AuditEvent): { label: string; summary: string } {
  switch (event.action) {
    case 'pushed': {
      const { added, updated, removed, kept } = event.detail;
      const parts = [
        listed('added', added),
        listed('updated', updated),
        listed('removed', removed),
        listed('kept', kept),
      ].filter(Boolean);
      const changed = added.length + updated.length + removed.length > 0;
      return {
        label: 'Pushed',
        summary: `${parts.join('; ') || 'no connector files'}${changed ? ` (revision ${event.detail.revision})` : ''}`,
      };
    }
    case 'consent_requested':
      return { label: 'Asked for consent', summary: scopeList(event.detail.scopes) };
    case 'added':
    case 'reauthorized':
      return {
        label: event.action === 'added' ? 'Connected' : 'Re-authorized',
        summary: [account(event.detail.account_email), scopeList(event.detail.scopes)]
          .filter(Boolean)
          .join('; '),
      };
    case 'scopes_changed': {
      const { from, to } = event.detail;
      const gained = to.filter((scope) => !from.includes(scope));
      const dropped = from.filter((scope) => !to.includes(scope));
      return {
        label: 'Changed scopes',
        summary: [listed('added', gained), listed('dropped', dropped)].filter(Boolean).join('; '),
      };
    }
    case 'removed': {
      const { account_email: email, revoked } = event.detail;
      const revocation =
        revoked === true ? 'tokens revoked at the provider' : revoked === false ? 'tokens not revoked' : '';
      return { label: 'Removed', summary: [account(email), revocation].filter(Boolean).join('; ') };
    }
  }
}

function listed(verb: string, items: readonly string[]): string {
  return items.length > 0 ? `${verb} ${items.join(', ')}` : '';
}

function scopeList(scopes: readonly string[]): string {
  return scopes.length > 0 ? `scopes ${scopes.join(', ')}` : 'no scopes';
}

function account(email: string | null): string {
  return email ? `account ${email}` : '';
}
