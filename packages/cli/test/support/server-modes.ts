// The two servers every CLI test of push, pull, status, list-available, initiate and login runs
// against: ours, and ours answering as the Base44 cloud does (`--public-api-only`: no
// `x-base44-extensions`, no plan/apply, no status long-poll, no [ext] response fields). The CLI
// must behave the same against both; what legitimately differs for the same situation is here.

export const SERVER_MODES = ['ours', 'public-api-only'] as const;
export type ServerMode = (typeof SERVER_MODES)[number];

/** The flags of `base44-server start` that select the mode. */
export function serverModeFlags(mode: ServerMode): string[] {
  return mode === 'public-api-only' ? ['--public-api-only'] : [];
}

export interface ModeDifferences {
  /** Our [ext] surface is served: plan/apply, the status long-poll and the extension fields. */
  extensions: boolean;
  /** The page of the app's connectors that push's summary ends with. */
  dashboardUrl(apiUrl: string, appId: string): string;
  /** A request by which a push changes the app's connectors: the one apply, or each PUT and DELETE. */
  isApplyRequest(request: { method: string; path: string }): boolean;
  /** How many such requests a push sends that adds, updates or removes `changes` connectors. */
  applyRequestCount(changes: number): number;
  /**
   * Why the server says a denied authorization failed: ours names the provider's denial in
   * `failure_reason` (an [ext] field); the cloud's status says only FAILED.
   */
  denialReason(provider: string): string | undefined;
}

const OURS: ModeDifferences = {
  extensions: true,
  dashboardUrl: (apiUrl, appId) => `${apiUrl}/dashboard/apps/${appId}`,
  isApplyRequest: ({ method, path }) => method === 'POST' && path.endsWith('/external-auth/apply'),
  applyRequestCount: () => 1,
  denialReason: (provider) => `Access was denied at ${provider}.`,
};

const PUBLIC_API_ONLY: ModeDifferences = {
  extensions: false,
  dashboardUrl: (apiUrl, appId) => `${apiUrl}/apps/${appId}/editor/workspace/app-connections`,
  isApplyRequest: ({ method, path }) =>
    (method === 'PUT' || method === 'DELETE') && path.includes('/external-auth/integrations/'),
  applyRequestCount: (changes) => changes,
  denialReason: () => undefined,
};

export function differencesOf(mode: ServerMode): ModeDifferences {
  return mode === 'ours' ? OURS : PUBLIC_API_ONLY;
}

/**
 * Fails unless the server at `url` answers as `mode` says, by the header the CLI decides from:
 * a test meant for the cloud's contract must never quietly run against our extensions.
 */
export async function assertServesMode(url: string, mode: ServerMode): Promise<void> {
  const response = await fetch(`${url}/api/apps/mode-probe/external-auth/list`);
  await response.body?.cancel();
  const advertised = response.headers.get('x-base44-extensions');
  if ((advertised !== null) !== differencesOf(mode).extensions)
    throw new Error(`the server at ${url} is not in mode ${mode}: x-base44-extensions is ${advertised}`);
}
