import { CLI_SCOPE } from '@base44-connectors/contract';

/**
 * What a CLI login may do, in this server's words: the device page shows these, never the text a
 * client sent (which anyone who starts a login chooses).
 */
export const CLI_SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'apps:read': 'see your apps and their connectors',
  'apps:write': 'add, authorize and remove the connectors of your apps',
  'sandbox:write': 'work in the sandboxes of your apps',
};

export type CliScopeDecision = { granted: string } | { unknown: string };

/**
 * The scope a device login is granted, from the one it asked for (RFC 6749 §3.3). A CLI login is
 * granted the whole CLI_SCOPE whatever subset it names or when it names none (the token response
 * then says so in `scope`); a scope this server does not define is refused with `invalid_scope`
 * (RFC 6749 §5.2, RFC 8628 §3.2) rather than silently dropped, so a client learns at once that
 * it asked for something it will not get.
 */
export function decideCliScope(requested: string | undefined): CliScopeDecision {
  const known = CLI_SCOPE.split(' ');
  for (const scope of (requested ?? '').split(/[ \t]+/).filter(Boolean)) {
    if (!known.includes(scope)) return { unknown: scope };
  }
  return { granted: CLI_SCOPE };
}

/** The scopes of `CLI_SCOPE` with their descriptions, in order, for the device page. */
export function describedCliScopes(): { scope: string; description: string }[] {
  return CLI_SCOPE.split(' ').map((scope) => ({
    scope,
    description: CLI_SCOPE_DESCRIPTIONS[scope] ?? scope,
  }));
}
