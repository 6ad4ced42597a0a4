// Connects one connector of an app through the sandbox provider's pages over plain HTTP.
import { consent } from './sandbox-browser.mjs';

/**
 * Asks the server to connect `type` for `appId` (with a workspace key) and approves it in the
 * sandbox. Resolves once the server's callback page answered 200.
 */
export async function connectWithSandbox({ serverUrl, appId, workspaceKey, type, scopes }) {
  const response = await fetch(`${serverUrl}/api/apps/${appId}/external-auth/integrations/${type}`, {
    method: 'PUT',
    headers: { api_key: workspaceKey, 'content-type': 'application/json' },
    body: JSON.stringify({ scopes }),
  });
  const answer = await response.json();
  if (!response.ok || !answer.redirect_url) {
    throw new Error(`PUT integrations/${type} answered ${response.status}: ${JSON.stringify(answer)}`);
  }
  const done = await consent(answer.redirect_url, 'bench@example.com');
  if (done.status !== 200) {
    throw new Error(
      `the authorization ended at ${done.url} with ${done.status}:\n${done.body.slice(0, 2000)}`,
    );
  }
  return answer.connection_id;
}
