import { randomUUID } from 'node:crypto';
import ky, { type KyInstance } from 'ky';
import type { Credentials } from './credentials.js';
import { unreachable } from './credentials.js';
import { ApiError, NotLoggedInError } from './errors.js';

export interface RequestOptions {
  json?: unknown;
  searchParams?: Record<string, string>;
  /** Milliseconds; long-polls need longer than the default. */
  timeout?: number;
}

/** JSON over HTTP to base44-server: credentials, request ids, retries of idempotent requests, clear errors. */
export class ApiClient {
  private readonly http: KyInstance;

  constructor(
    readonly baseUrl: string,
    private readonly credentials: Credentials,
  ) {
    this.http = ky.create({
      prefixUrl: baseUrl,
      timeout: 30_000,
      throwHttpErrors: false,
      // Only requests that can be repeated safely; POST (apply) is never retried.
      retry: {
        limit: 2,
        methods: ['get', 'put', 'delete'],
        statusCodes: [502, 503, 504],
        backoffLimit: 2000,
      },
      headers: { 'user-agent': 'base44-connectors-cli' },
    });
  }

  async request<T>(
    method: 'get' | 'put' | 'post' | 'delete',
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    let response: Response;
    try {
      response = await this.http(path.replace(/^\//, ''), {
        method,
        headers: { ...(await this.credentials.headers()), 'x-request-id': randomUUID() },
        ...(options.json === undefined ? {} : { json: options.json }),
        ...(options.searchParams ? { searchParams: options.searchParams } : {}),
        ...(options.timeout ? { timeout: options.timeout } : {}),
      });
    } catch (error) {
      if (error instanceof ApiError || error instanceof NotLoggedInError) throw error;
      throw unreachable(this.baseUrl, error);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      throw new ApiError(
        response.status,
        `The server at ${this.baseUrl} answered ${response.status} with something that is not JSON.`,
        'bad_response',
      );
    }
    if (response.ok) return body as T;
    const { message, code } = body as { message?: string; code?: string };
    if (response.status === 401) {
      throw new NotLoggedInError(
        message ? `The server refused the credentials: ${message}` : 'The server refused the credentials.',
      );
    }
    throw new ApiError(
      response.status,
      message ?? `The server answered ${response.status}.`,
      code ?? `http_${response.status}`,
    );
  }
}
