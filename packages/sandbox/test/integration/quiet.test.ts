import { afterEach, expect, it, vi } from 'vitest';
import { authorizationRequest, connect, Person, refresh, startSandbox, whoami } from '../support/sandbox.js';

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

afterEach(() => {
  vi.restoreAllMocks();
});

it('prints nothing while it loads, starts, runs a flow, refuses a request and refreshes', async () => {
  const spies = CONSOLE_METHODS.map((method) => vi.spyOn(console, method));

  const running = await startSandbox();
  try {
    const tokens = await connect(running, 'openid chat:write');
    await whoami(running, tokens.accessToken);
    await refresh(running, tokens.refreshToken);
    const wrongRedirect = await authorizationRequest(running, 'chat:write', (params) => {
      params.set('redirect_uri', 'https://elsewhere.example/callback');
    });
    await new Person(running).open(wrongRedirect.url);
  } finally {
    await running.close();
  }

  for (const spy of spies) expect(spy).not.toHaveBeenCalled();
});
