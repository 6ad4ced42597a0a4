import type * as OidcProvider from 'oidc-provider';

export type OidcProviderModule = typeof OidcProvider;

/**
 * oidc-provider 9 prints this on import when Node is older than the 22 LTS line. This project runs on
 * Node ≥ 20.19, where the sandbox's flows are tested; that one notice is held back, nothing else is.
 */
const UNSUPPORTED_RUNTIME_NOTICE = 'oidc-provider WARNING: Unsupported runtime.';

let loading: Promise<OidcProviderModule> | undefined;

/** Imports oidc-provider on first use, so a server that never starts the sandbox never loads it. */
export function loadOidcProvider(): Promise<OidcProviderModule> {
  loading ??= importQuietly();
  return loading;
}

async function importQuietly(): Promise<OidcProviderModule> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes(UNSUPPORTED_RUNTIME_NOTICE)) return;
    warn(...args);
  };
  try {
    return await import('oidc-provider');
  } finally {
    console.warn = warn;
  }
}
