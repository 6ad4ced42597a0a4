// Every address of the connectors dashboard, built from ids only: a redirect never carries input.

export const DASHBOARD_PATH = '/dashboard';

/** Ids as `apps.id` holds them (see the app-scope guard); anything else is no app. */
const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isAppId(value: unknown): value is string {
  return typeof value === 'string' && APP_ID.test(value);
}

/** An app's page: `{publicUrl}/dashboard/apps/{appId}` is what `connectors push` can print. */
export function appPath(appId: string): string {
  return `${DASHBOARD_PATH}/apps/${encodeURIComponent(appId)}`;
}

export function connectorPath(appId: string, type: string, action: 'authorize' | 'remove'): string {
  return `${appPath(appId)}/connectors/${encodeURIComponent(type)}/${action}`;
}

/** The sign-in page; after signing in, the browser goes on to the app it came for, if any. */
export function signInPath(appId?: string): string {
  return appId && isAppId(appId) ? `${DASHBOARD_PATH}/sign-in?app=${appId}` : `${DASHBOARD_PATH}/sign-in`;
}

/** Where a signed-in browser goes: the app named by a well-formed id, or the list of apps. */
export function landingPath(appId: unknown): string {
  return isAppId(appId) ? appPath(appId) : DASHBOARD_PATH;
}
