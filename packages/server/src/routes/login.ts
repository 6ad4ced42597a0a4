import {
  CLI_CLIENT_ID,
  CLI_SCOPE,
  DEVICE_CODE_GRANT_TYPE,
  type DeviceCodeResponse,
  type TokenResponse,
  type UserInfoResponse,
} from '@base44-connectors/contract';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { findUserById } from '../accounts/users.js';
import { issueAccessToken, verifyAccessToken } from '../auth/access-tokens.js';
import { decideCliScope } from '../auth/cli-scopes.js';
import { pollDeviceAuthorization, startDeviceAuthorization } from '../auth/device-flow.js';
import { authenticate } from '../auth/principal.js';
import {
  issueRefreshToken,
  type Login,
  type RefreshGrant,
  revokeByRefreshToken,
  revokeFamily,
  rotateRefreshToken,
} from '../auth/refresh-tokens.js';
import type { ServerContext } from '../context.js';
import { HttpError, OAuthProtocolError } from '../http/errors.js';

const KNOWN_CLIENTS = new Set([CLI_CLIENT_ID]);

const DeviceCodeBody = z.object({ client_id: z.string().optional(), scope: z.string().optional() });
const TokenBody = z.object({
  grant_type: z.string().optional(),
  device_code: z.string().optional(),
  refresh_token: z.string().optional(),
  client_id: z.string().optional(),
});
const RevokeBody = z.object({
  token: z.string().optional(),
  token_type_hint: z.string().optional(),
  client_id: z.string().optional(),
});

/** RFC 8628 device authorization and the token endpoint the public CLI logs in with. */
export const loginRoutes: FastifyPluginAsync<ServerContext> = async (app, context) => {
  const { db, config, now } = context;

  app.post(
    '/oauth/device/code',
    { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } },
    async (request, reply): Promise<DeviceCodeResponse> => {
      const body = oauthBody(DeviceCodeBody, request.body);
      const clientId = requireKnownClient(body.client_id);
      const scope = decideCliScope(body.scope);
      if ('unknown' in scope) {
        throw new OAuthProtocolError(
          400,
          'invalid_scope',
          `Unknown scope ${JSON.stringify(scope.unknown.slice(0, 64))}: a CLI login is granted "${CLI_SCOPE}"`,
        );
      }
      const started = await startDeviceAuthorization(
        db,
        { clientId, scope: scope.granted },
        {
          ttlSeconds: config.login.deviceCodeTtlSeconds,
          pollIntervalSeconds: config.login.pollIntervalSeconds,
        },
        now(),
      );
      noStore(reply);
      const verificationUri = `${config.publicUrl}/device`;
      return {
        device_code: started.deviceCode,
        user_code: started.userCode,
        verification_uri: verificationUri,
        verification_uri_complete: `${verificationUri}?user_code=${started.userCode}`,
        expires_in: started.expiresIn,
        interval: started.interval,
      };
    },
  );

  app.post('/oauth/token', async (request, reply): Promise<TokenResponse> => {
    const body = oauthBody(TokenBody, request.body);
    const clientId = requireKnownClient(body.client_id);
    noStore(reply);
    switch (body.grant_type) {
      case DEVICE_CODE_GRANT_TYPE:
        return exchangeDeviceCode(required(body.device_code, 'device_code'), clientId);
      case 'refresh_token':
        return exchangeRefreshToken(required(body.refresh_token, 'refresh_token'), clientId);
      case undefined:
        throw new OAuthProtocolError(400, 'invalid_request', 'grant_type is required');
      default:
        throw new OAuthProtocolError(
          400,
          'unsupported_grant_type',
          `Unsupported grant_type "${body.grant_type}"`,
        );
    }
  });

  // RFC 7009: ends the login the token belongs to, a refresh token (used or not) or one of its
  // access tokens, and so every token of that login. 200 whether or not the token was valid (§2.2).
  app.post('/oauth/revoke', async (request, reply) => {
    const body = oauthBody(RevokeBody, request.body);
    const clientId = requireKnownClient(body.client_id);
    const token = required(body.token, 'token');
    noStore(reply);
    // The hint only orders the search (§2.1): an unknown hint, or the wrong one, still finds the token.
    const asAccessTokenFirst = body.token_type_hint === 'access_token';
    const revoked = asAccessTokenFirst
      ? (await revokeByAccessToken(token, clientId)) ||
        (await revokeByRefreshToken(db, token, clientId, now()))
      : (await revokeByRefreshToken(db, token, clientId, now())) ||
        (await revokeByAccessToken(token, clientId));
    if (revoked) request.log.info('CLI login revoked');
    return {};
  });

  app.get('/oauth/userinfo', async (request): Promise<UserInfoResponse> => {
    const result = await authenticate(
      { authorization: request.headers.authorization, apiKey: undefined },
      context,
      now(),
    );
    if (!result.ok || result.principal.kind !== 'user') {
      throw new HttpError(401, 'A valid access token is required', 'invalid_token', undefined, {
        'www-authenticate': 'Bearer error="invalid_token"',
      });
    }
    return { email: result.principal.user.email, name: result.principal.user.name };
  });

  async function exchangeDeviceCode(deviceCode: string, clientId: string): Promise<TokenResponse> {
    const decision = await pollDeviceAuthorization(db, deviceCode, clientId, now());
    if (decision.kind === 'wait') throw new OAuthProtocolError(400, decision.error);
    if (decision.kind === 'refuse') throw new OAuthProtocolError(400, decision.error, decision.description);
    return issueTokens({ userId: decision.userId, clientId, scope: decision.scope });
  }

  async function exchangeRefreshToken(refreshToken: string, clientId: string): Promise<TokenResponse> {
    const rotation = await rotateRefreshToken(
      db,
      refreshToken,
      clientId,
      config.login.refreshTokenTtlSeconds,
      now(),
    );
    if (!rotation.ok) {
      throw new OAuthProtocolError(
        400,
        'invalid_grant',
        'The refresh token is invalid, expired or already used',
      );
    }
    return issueTokens(rotation.grant, rotation.refreshToken);
  }

  async function revokeByAccessToken(token: string, clientId: string): Promise<boolean> {
    const check = await verifyAccessToken(context.accessTokens, token, now());
    if (!check.valid || check.claims.client_id !== clientId) return false;
    await revokeFamily(db, check.claims.gid, now());
    return true;
  }

  /** The tokens of a login: an access token naming it (`gid`) beside its current refresh token. */
  async function issueTokens(
    grant: RefreshGrant | Login,
    rotatedRefreshToken?: string,
  ): Promise<TokenResponse> {
    const user = await findUserById(db, grant.userId);
    if (!user) throw new OAuthProtocolError(400, 'invalid_grant', 'The account no longer exists');
    const issuedAt = now();
    // A device code starts a login (a new refresh token family); a refresh continues its own.
    const { login, refreshToken } =
      'familyId' in grant && rotatedRefreshToken !== undefined
        ? { login: grant, refreshToken: rotatedRefreshToken }
        : await issueRefreshToken(db, grant, config.login.refreshTokenTtlSeconds, issuedAt);
    const access = await issueAccessToken(
      context.accessTokens,
      { user, scope: login.scope, clientId: login.clientId, grantId: login.familyId },
      issuedAt,
    );
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      refresh_token: refreshToken,
      scope: grant.scope,
    };
  }
};

function oauthBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || 'body';
    throw new OAuthProtocolError(400, 'invalid_request', `${field} must be a string`);
  }
  return parsed.data;
}

function requireKnownClient(clientId: string | undefined): string {
  if (!clientId) throw new OAuthProtocolError(400, 'invalid_request', 'client_id is required');
  if (!KNOWN_CLIENTS.has(clientId))
    throw new OAuthProtocolError(401, 'invalid_client', `Unknown client "${clientId}"`);
  return clientId;
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new OAuthProtocolError(400, 'invalid_request', `${name} is required`);
  return value;
}

function noStore(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}
