import * as z from 'zod/mini';
import { isUsablePattern, settingPattern, settingsNamedIn } from './connection-config.js';

// One entry per provider, as data: adding a provider is adding an entry, and each quirk of a
// provider is a field here rather than code in the broker.

export const IntegrationType = z
  .string()
  .check(
    z.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lower-case letters, digits, "_" or "-" (at most 64)'),
  );

/** A dotted path into a JSON response: `authed_user.access_token`. */
const ResponsePath = z.string().check(z.regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/));

/** How `external-auth/list` reports a connector. */
export const ConnectorStatus = z.enum(['active', 'disconnected', 'expired']);
export type ConnectorStatus = z.infer<typeof ConnectorStatus>;

export const ConnectionConfigField = z.object({
  name: z.string(),
  display_name: z.string(),
  description: z.string(),
  placeholder: z.string(),
  required: z.boolean(),
  validation_pattern: z.optional(z.string()),
  validation_error: z.optional(z.string()),
});
export type ConnectionConfigField = z.infer<typeof ConnectionConfigField>;

/**
 * A setting as a catalog entry declares it: what `available-integrations` shows, and the value a
 * connection has when the person gives none. The name is what a URL template writes as
 * `{connection_config.<name>}`.
 */
export const ConnectionConfigFieldEntry = z.extend(ConnectionConfigField, {
  name: z.string().check(z.regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower-case letters, digits or "_"')),
  default: z.optional(z.string()),
});
export type ConnectionConfigFieldEntry = z.infer<typeof ConnectionConfigFieldEntry>;

/** Where each value sits in a token endpoint's answer. */
export const TokenResponsePaths = z.object({
  accessToken: ResponsePath,
  refreshToken: z.optional(ResponsePath),
  expiresIn: z.optional(ResponsePath),
  /** Lifetime in seconds for providers whose tokens expire without saying so (Salesforce, Wix). */
  defaultExpiresIn: z.optional(z.number().check(z.int(), z.positive())),
  scope: z.optional(ResponsePath),
  email: z.optional(ResponsePath),
  /** Slack answers errors with HTTP 200 and `{"ok": false, "error": …}`. */
  okFlag: z.optional(ResponsePath),
  /** Values the token API hands back as `connection_config` (e.g. Salesforce's instance_url). */
  connectionConfig: z._default(z.record(z.string(), ResponsePath), {}),
});

/**
 * How a token endpoint's error codes are read. A dead grant ends the connector (it must be
 * authorized again); a transient failure keeps it and its current token. `unlisted` says what any
 * other code means.
 */
export const TokenErrorMeanings = z.object({
  deadGrant: z.array(z.string()),
  transient: z.array(z.string()),
  unlisted: z.enum(['dead_grant', 'transient']),
});

/**
 * The request that answers the account email. The URL may hold `{token}` (HubSpot puts the
 * access token in the path).
 */
export const UserInfo = z.object({
  url: z.url(),
  /** Within the answer, or within the list item `list` picks. */
  emailPath: ResponsePath,
  method: z._default(z.enum(['GET', 'POST']), 'GET'),
  /** Extra request headers some APIs insist on (Notion-Version, a User-Agent for GitHub). */
  headers: z._default(z.record(z.string(), z.string()), {}),
  /** How the access token travels: as the bearer credential, in the URL's `{token}`, or a form field `token`. */
  tokenIn: z._default(z.enum(['bearer', 'path', 'form']), 'bearer'),
  /**
   * The API host of the person's account, from a connection_config value the token response gave
   * (Wrike's `host`): it replaces the URL's host when it is a host name ending in `allowedSuffix`.
   */
  hostFrom: z.optional(
    z.object({
      connectionConfig: z.string(),
      allowedSuffix: z.string().check(z.regex(/^\.[a-z0-9.-]+$/)),
    }),
  ),
  /** Introspection endpoints want the client's id and secret in the form too. */
  clientAuthentication: z._default(z.enum(['none', 'client_secret_post']), 'none'),
  /**
   * When the answer is a list (or holds one at `path`): the email is read from the first item
   * whose fields equal `where` (GitHub's /user/emails: primary and verified).
   */
  list: z.optional(
    z.object({
      path: z.optional(ResponsePath),
      where: z.record(z.string(), z.union([z.string(), z.boolean(), z.number()])),
    }),
  ),
});

/**
 * How a provider is told a grant is no longer wanted: RFC 7009 (a form `token=` with client
 * authentication) or the provider's own variant. The URL may hold `{client_id}` and `{token}`.
 */
export const Revocation = z.object({
  url: z.url(),
  method: z._default(z.enum(['POST', 'DELETE']), 'POST'),
  /**
   * Which token to send: `each` the refresh token, then the access token (RFC 7009); `access_token`
   * or `refresh_token` that one alone, for providers where it ends the whole grant.
   */
  token: z._default(z.enum(['each', 'access_token', 'refresh_token']), 'each'),
  /** How the token travels: a form or JSON body field, as the bearer credential, or in the URL's `{token}`. */
  tokenIn: z._default(z.enum(['form', 'json', 'bearer', 'path']), 'form'),
  /** The body field holding the token (RFC 7009 says `token`; GitHub says `access_token`). */
  tokenParameter: z._default(z.string(), 'token'),
  /** How the client authenticates, if at all: `none` where the token itself is the credential. */
  clientAuthentication: z._default(
    z.enum(['client_secret_basic', 'client_secret_post', 'none']),
    'client_secret_post',
  ),
  /** Extra request headers the endpoint insists on (Notion-Version). */
  headers: z._default(z.record(z.string(), z.string()), {}),
  /** Slack answers HTTP 200 with `{"ok": false}` when nothing was revoked. */
  okFlag: z.optional(ResponsePath),
});

const ProviderEntryFields = z.object({
  type: IntegrationType,
  /** The name the provider gives the client id parameter; TikTok says `client_key`. */
  clientIdParameter: z._default(z.string(), 'client_id'),
  displayName: z.string().check(z.minLength(1)),
  description: z.string().check(z.minLength(1)),
  /** The provider's own OAuth documentation that this entry was checked against. */
  docsUrl: z.url(),
  /**
   * Why the provider cannot work as an OAuth connector at all (Wix closed its code flow to new
   * apps). Set, the server refuses the type with this reason and does not offer it.
   */
  unsupported: z.optional(z.string().check(z.minLength(1))),
  /**
   * The `iss` the provider puts on its authorization responses (RFC 9207), checked when sent. An
   * entry without one is a provider not known to send `iss`: a response that carries one is refused.
   */
  issuer: z.optional(z.string()),
  authorization: z.object({
    url: z.url(),
    /** Query parameter that carries the scopes: Slack's user scopes go in `user_scope`. */
    scopeParameter: z._default(z.string(), 'scope'),
    /** Fixed extra parameters, e.g. Google's `access_type=offline` and `prompt=consent`. */
    extraParameters: z._default(z.record(z.string(), z.string()), {}),
  }),
  token: z.object({
    url: z.url(),
    /** RFC 6749 §2.3.1: HTTP Basic (`client_secret_basic`) or in the body (`client_secret_post`). */
    clientAuthentication: z.enum(['client_secret_basic', 'client_secret_post']),
    /** Notion's token endpoint takes JSON; everyone else a form. */
    bodyEncoding: z._default(z.enum(['form', 'json']), 'form'),
    /** Where each value sits in the code exchange's answer; absent means the provider does not send it. */
    response: TokenResponsePaths,
    /** Where each value sits in a refresh's answer, when not where the exchange put it (Slack's user token). */
    refreshResponse: z.optional(TokenResponsePaths),
    /** What an error code means for the grant; without it every refusal ends the grant (RFC 6749 §5.2). */
    errors: z.optional(TokenErrorMeanings),
  }),
  /** Where the account email comes from when the token response does not carry it. */
  userInfo: z.optional(UserInfo),
  revocation: z.optional(Revocation),
  scopeSeparator: z.enum([' ', ',']),
  defaultScopes: z.array(z.string()),
  /** Scopes always requested besides the connector's own: for the account email (`openid email`) or a refresh token (`offline_access`). */
  requiredScopes: z._default(z.array(z.string()), []),
  /** Supports PKCE with S256 (RFC 7636). The broker always sends it where supported. */
  pkce: z.boolean(),
  /**
   * Settings the person gives the connection (`connection_config` of the PUT). The endpoint URLs
   * and the issuer may name them as `{connection_config.<name>}`.
   */
  connectionConfigFields: z._default(z.array(ConnectionConfigFieldEntry), []),
});

export const ProviderEntry = ProviderEntryFields.check(
  z.superRefine((entry, context) => {
    for (const problem of settingsProblems(entry)) context.addIssue({ code: 'custom', ...problem });
  }),
);
export type ProviderEntry = z.infer<typeof ProviderEntry>;
export type ProviderEntryInput = z.input<typeof ProviderEntry>;

/**
 * What is wrong with an entry's settings: a URL naming a setting it does not declare, a setting
 * used in a URL without a validation_pattern (or without a value when the person gives none), a
 * pattern that does not compile, a default its own pattern refuses, a name given twice or also
 * given to a value of the token response.
 */
function settingsProblems(
  entry: z.output<typeof ProviderEntryFields>,
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const fields = entry.connectionConfigFields;
  const byName = new Map(fields.map((field) => [field.name, field]));
  const fromToken = new Set([
    ...Object.keys(entry.token.response.connectionConfig),
    ...Object.keys(entry.token.refreshResponse?.connectionConfig ?? {}),
  ]);
  fields.forEach((field, index) => {
    const at = ['connectionConfigFields', index];
    if (fields.findIndex((other) => other.name === field.name) !== index)
      problems.push({ path: [...at, 'name'], message: `"${field.name}" is declared twice` });
    if (fromToken.has(field.name))
      problems.push({
        path: [...at, 'name'],
        message: `"${field.name}" is also a connection_config value of the token response: give the setting another name`,
      });
    const pattern = field.validation_pattern;
    if (pattern !== undefined && !isUsablePattern(pattern))
      problems.push({ path: [...at, 'validation_pattern'], message: 'is not a regular expression' });
    else if (
      pattern !== undefined &&
      field.default !== undefined &&
      !settingPattern(pattern).test(field.default)
    )
      problems.push({ path: [...at, 'default'], message: `does not match its own validation_pattern` });
  });
  const templates: [(string | number)[], string | undefined][] = [
    [['issuer'], entry.issuer],
    [['authorization', 'url'], entry.authorization.url],
    [['token', 'url'], entry.token.url],
    [['userInfo', 'url'], entry.userInfo?.url],
    [['revocation', 'url'], entry.revocation?.url],
  ];
  for (const [path, template] of templates) {
    for (const name of settingsNamedIn(template ?? '')) {
      const field = byName.get(name);
      if (!field)
        problems.push({
          path,
          message: `names {connection_config.${name}}, which connectionConfigFields does not declare`,
        });
      else if (field.validation_pattern === undefined)
        problems.push({
          path,
          message: `names {connection_config.${name}}, which has no validation_pattern: only a checked value may go into a URL`,
        });
      else if (!field.required && field.default === undefined)
        problems.push({
          path,
          message: `names {connection_config.${name}}, which is optional without a default`,
        });
    }
  }
  return problems;
}
