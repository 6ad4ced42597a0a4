// Backend code of an app: reads a connector's access token through the public @base44/sdk, then
// calls the provider with it. Here the provider is base44-server's sandbox, whose
// GET /sandbox/api/whoami names the account a token belongs to.
//
//   BASE44_API_URL=http://127.0.0.1:4044 BASE44_APP_ID=… BASE44_SERVICE_TOKEN=b44s_… node index.mjs [type]
//
// (after `npm run quickstart`, `. .quickstart/env` sets all three)
import { createClient } from '@base44/sdk';

const serverUrl = (process.env.BASE44_API_URL || 'http://127.0.0.1:4044').replace(/\/+$/, '');
const appId = process.env.BASE44_APP_ID;
const serviceToken = process.env.BASE44_SERVICE_TOKEN;
const type = process.argv[2] || 'slack';

if (!appId || !serviceToken) {
  console.error(
    'Set BASE44_APP_ID and BASE44_SERVICE_TOKEN (a service key: base44-server keys create --service --app ID).',
  );
  process.exit(2);
}

// Only serverUrl differs from code that runs against Base44 itself.
const base44 = createClient({ serverUrl, appId, serviceToken, analytics: { enabled: false } });
try {
  const { accessToken } = await base44.asServiceRole.connectors.getConnection(type);
  console.log(
    `${type}'s access token, from ${serverUrl}: ${accessToken.slice(0, 6)}… (${accessToken.length} characters)`,
  );

  const response = await fetch(`${serverUrl}/sandbox/api/whoami`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  const body = await response.json();
  if (!response.ok) {
    console.error(`GET /sandbox/api/whoami answered ${response.status}: ${JSON.stringify(body)}`);
    process.exitCode = 1;
  } else {
    console.log(
      `GET /sandbox/api/whoami with it: the account ${body.email}, scopes ${body.scopes.join(' ') || '(none)'}`,
    );
  }
} catch (error) {
  // The SDK's Base44Error carries the server's status and code, e.g. 404 not_connected.
  console.error(
    `Could not read ${type}'s token: ${error.status ?? ''} ${error.code ?? ''} ${error.message}`.trim(),
  );
  process.exitCode = 1;
} finally {
  base44.cleanup();
}
