import { body, error, extension, json, type Operation, parameterSchema } from './openapi-schemas.js';

// The /api/apps/{appId}/… operations of the OpenAPI document: connectors and payments.

/** Who may call: an app member (access token or workspace key), or for token reads also the app's service key. */
const MEMBER = [{ accessToken: [] }, { workspaceKey: [] }];
const MEMBER_OR_SERVICE = [...MEMBER, { serviceKey: [] }];

const appId = {
  name: 'appId',
  in: 'path',
  required: true,
  description: 'The app, as `base44-server apps create` printed it.',
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
};
const integrationType = (where: 'path' | 'query', required: boolean) => ({
  name: where === 'path' ? 'type' : 'integration_type',
  in: where,
  required,
  description: 'An integration type of the catalog (`available-integrations`), e.g. `slack`.',
  schema: parameterSchema('IntegrationType'),
});

/** Every `/api/apps/{appId}/…` route answers these besides its own. */
const APP_GUARD_RESPONSES = {
  '400': error('BadRequest'),
  '401': { $ref: '#/components/responses/Unauthenticated' },
  '403': { $ref: '#/components/responses/Forbidden' },
};

function appOperation(operation: Operation & { responses: Record<string, unknown> }): Operation {
  const parameters = [appId, ...((operation.parameters as unknown[] | undefined) ?? [])];
  return {
    security: MEMBER,
    ...operation,
    parameters,
    responses: { ...APP_GUARD_RESPONSES, ...operation.responses },
  };
}

const CONNECTORS = '/api/apps/{appId}/external-auth';

export function appPaths(): Record<string, Record<string, Operation>> {
  const typeParameter = [integrationType('path', true)];
  return {
    [`${CONNECTORS}/list`]: {
      get: appOperation({
        operationId: 'listIntegrations',
        tags: ['connectors'],
        summary: "The app's connectors with their status, scopes and account email",
        responses: { '200': body('ListIntegrationsResponse', 'The connectors') },
      }),
    },
    [`${CONNECTORS}/integrations/{type}`]: {
      put: appOperation({
        operationId: 'upsertIntegration',
        tags: ['connectors'],
        summary: 'Add a connector or change its scopes',
        description:
          '`already_authorized: true` when the stored grant covers the scopes; otherwise `redirect_url` ' +
          '(to `/oauth/start/{connection_id}`) and `connection_id` for `status`; `error: "different_user"` ' +
          'with `other_user_email` when another member connected the type.',
        parameters: typeParameter,
        requestBody: { required: true, content: json('UpsertIntegrationRequest') },
        responses: {
          '200': body('UpsertIntegrationResponse', 'Authorized already, an authorization link, or an error'),
          '404': error('NotFound'),
          '422': error('ValidationFailed'),
        },
      }),
    },
    [`${CONNECTORS}/status`]: {
      get: appOperation({
        operationId: 'connectionStatus',
        tags: ['connectors'],
        summary: 'Where an authorization attempt stands',
        description:
          'A pending attempt turns `FAILED` after 10 minutes, or at once when the provider denies.',
        parameters: [
          integrationType('query', false),
          {
            name: 'connection_id',
            in: 'query',
            required: true,
            description: 'The `connection_id` of `PUT integrations/{type}` or of `apply`.',
            schema: { type: 'string', minLength: 1, maxLength: 64 },
          },
          {
            name: 'wait',
            in: 'query',
            required: false,
            description:
              'Long-poll: answer as soon as the status leaves `PENDING`, or after this many seconds.',
            schema: { type: 'number', minimum: 0, maximum: 30, default: 0 },
            ...extension,
          },
        ],
        responses: {
          '200': body('ConnectionStatusResponse', 'PENDING, ACTIVE or FAILED'),
          '404': error('NotFound'),
          '422': error('ValidationFailed'),
        },
      }),
    },
    [`${CONNECTORS}/available-integrations`]: {
      get: appOperation({
        operationId: 'availableIntegrations',
        tags: ['connectors'],
        summary: "The server's catalog of integration types",
        responses: { '200': body('AvailableIntegrationsResponse', 'Every type this server knows') },
      }),
    },
    [`${CONNECTORS}/integrations/{type}/remove`]: {
      delete: appOperation({
        operationId: 'removeIntegration',
        tags: ['connectors'],
        summary: 'Remove a connector, revoking its token at the provider where the provider allows',
        parameters: typeParameter,
        responses: {
          '200': body('RemoveIntegrationResponse', 'Removed'),
          '404': error('NotFound'),
        },
      }),
    },
    [`${CONNECTORS}/tokens/{type}`]: {
      get: appOperation({
        operationId: 'tokenForIntegration',
        tags: ['connectors'],
        summary: "A connector's access token, for the app's backend code",
        description:
          'Refreshed first when it expires within 5 minutes (once, however many ask at the same moment). ' +
          'The SDK sends the service key with `X-App-Id`; a service key of another app is refused.',
        security: MEMBER_OR_SERVICE,
        parameters: [
          ...typeParameter,
          {
            name: 'X-App-Id',
            in: 'header',
            required: false,
            description: "With a service key: must name the URL's app.",
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': body('TokenForIntegrationResponse', 'The access token'),
          '404': body('ApiError', 'Not connected (`not_connected`)'),
          '409': body(
            'ApiError',
            'Expired or disconnected: authorize again (`connector_needs_authorization`)',
          ),
          '503': {
            ...body('ApiError', 'The provider could not refresh the token (`provider_unavailable`)'),
            headers: { 'Retry-After': { schema: { type: 'integer' } } },
          },
        },
      }),
    },
    [`${CONNECTORS}/plan`]: {
      post: appOperation({
        ...extension,
        operationId: 'planPush',
        tags: ['connectors'],
        summary: 'What a push of these connectors would do; changes nothing',
        requestBody: { required: true, content: json('PlanRequest') },
        responses: {
          '200': body('PlanResponse', "The plan and the app's revision it was made from"),
          '404': error('NotFound'),
          '422': error('ValidationFailed'),
        },
      }),
    },
    [`${CONNECTORS}/apply`]: {
      post: appOperation({
        ...extension,
        operationId: 'applyPush',
        tags: ['connectors'],
        summary: 'A whole push in one request and one transaction',
        requestBody: { required: true, content: json('ApplyRequest') },
        responses: {
          '200': body('ApplyResponse', 'The plan applied, with each connector’s outcome'),
          '404': error('NotFound'),
          '409': error('Conflict'),
          '422': error('ValidationFailed'),
        },
      }),
    },
    '/api/apps/{appId}/payments/stripe/status': {
      get: appOperation({
        operationId: 'stripeStatus',
        tags: ['payments'],
        summary: 'Always `{"stripe_mode": null}`: this server provisions no Stripe',
        responses: { '200': body('StripeStatusResponse', 'No Stripe') },
      }),
    },
    '/api/apps/{appId}/payments/stripe/install': {
      post: appOperation({
        operationId: 'stripeInstall',
        tags: ['payments'],
        summary: 'Not available on this server',
        responses: { '501': error('NotImplemented') },
      }),
    },
    '/api/apps/{appId}/payments/stripe': {
      delete: appOperation({
        operationId: 'stripeDelete',
        tags: ['payments'],
        summary: 'Not available on this server',
        responses: { '501': error('NotImplemented') },
      }),
    },
  };
}
