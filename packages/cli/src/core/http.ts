import { randomUUID } from 'node:crypto';
import { EXTENSIONS_HEADER, parseExtensionsHeader } from '@base44-connectors/contract';
import ky, { type KyInstance, TimeoutError } from 'ky';
import type * as z from 'zod/mini';
import { messageFromErrorBody } from './error-body.js';
import { ApiError, CliError, NotLoggedInError } from './errors.js';
import { printable } from './printable.js';

/** What a request carries to prove who is asking, and how it is renewed when the server refuses it. */
export interface Authenticator {
  headers(): Promise<Record<string, string>>;
  /** After a 401: renews the credentials once if it can; true when a retry may succeed. */
  renew(rejected: Record<string, string>): Promise<boolean>;
  /** Whether the requests carry a workspace key (`b44k_…`), which the Base44 cloud refuses in places. */
  readonly usesWorkspaceKey?: boolean;
}

export interface RequestOptions {
  json?: unknown;
  form?: Record<string, string>;
  searchParams?: Record<string, string>;
  /** Milliseconds for the whole request, body included; long-polls and Stripe need more. */
  timeoutMs?: number;
  /** Repeat after 408/429/502/503/504 or a network failure; the default for GET, PUT and DELETE. */
  retry?: boolean;
  /** Sent without credentials (the login's own requests), or with these instead. */
  credentials?: 'none' | Record<string, string>;
}

/** A response as it arrived: the status, the headers and the JSON body (not yet checked). */
export interface Exchange {
  status: number;
  headers: Headers;
  body: unknown;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** No answer of this API comes near it; a server sending more is refused rather than read. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const RETRY_STATUS = [408, 429, 502, 503, 504];
const IDEMPOTENT = new Set(['get', 'put', 'delete']);

/**
 * The one HTTP client of the CLI: JSON to and from one server, with credentials, request ids,
 * deadlines, a size cap, retries of idempotent requests, one renewal of the login on a 401, and
 * every body checked against the contract before anyone reads it.
 */
export class ApiClient {
  private readonly http: KyInstance;
  /** What the server says it supports (`x-base44-extensions`), from its latest response. */
  extensions: ReadonlySet<string> | undefined;

  private readonly defaultTimeoutMs: number;

  constructor(
    readonly baseUrl: string,
    private readonly authenticator?: Authenticator,
    options: { userAgent?: string; timeoutMs?: number | undefined } = {},
  ) {
    const userAgent = options.userAgent ?? 'base44-connectors-cli';
    this.defaultTimeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.http = ky.create({
      prefixUrl: baseUrl,
      throwHttpErrors: false,
      timeout: false,
      headers: { 'user-agent': userAgent, accept: 'application/json' },
    });
  }

  get usesWorkspaceKey(): boolean {
    return this.authenticator?.usesWorkspaceKey === true;
  }

  /** Whether the server advertised `extension`; false for the Base44 cloud, which has none. */
  supports(extension: string): boolean {
    return this.extensions?.has(extension) === true;
  }

  /** A request whose 2xx body must match `schema`; anything else becomes a clear error. */
  async request<S extends z.ZodMiniType>(
    method: 'get' | 'put' | 'post' | 'delete',
    path: string,
    schema: S,
    options: RequestOptions = {},
  ): Promise<z.infer<S>> {
    const exchange = await this.exchange(method, path, options);
    if (exchange.status < 200 || exchange.status > 299) throw this.errorOf(exchange, method, path);
    const parsed = schema.safeParse(exchange.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      throw new CliError(
        `The server at ${this.baseUrl} answered ${method.toUpperCase()} /${path} with something this CLI does not understand${where}: ${printable(issue?.message ?? 'unexpected body')}.`,
        'bad_response',
      );
    }
    return parsed.data;
  }

  /** Sends the request and answers whatever status came back; fails only when no JSON answer came. */
  async exchange(
    method: 'get' | 'put' | 'post' | 'delete',
    path: string,
    options: RequestOptions = {},
  ): Promise<Exchange> {
    const credentials =
      options.credentials === 'none'
        ? {}
        : (options.credentials ?? (await this.authenticator?.headers()) ?? {});
    let exchange = await this.send(method, path, options, credentials);
    if (exchange.status === 401 && options.credentials === undefined && this.authenticator) {
      if (await this.authenticator.renew(credentials)) {
        exchange = await this.send(method, path, options, await this.authenticator.headers());
      }
    }
    return exchange;
  }

  /** The error a non-2xx answer stands for, with the server's own words. */
  errorOf(exchange: Exchange, method: string, path: string): CliError {
    const { message, code, details, reason } = messageFromErrorBody(exchange.body);
    const fallback = `The server answered ${exchange.status} to ${method.toUpperCase()} /${path.split('?')[0]}.`;
    if (exchange.status === 401) {
      return new NotLoggedInError(
        message
          ? `The server at ${this.baseUrl} refused the credentials: ${message}`
          : `The server at ${this.baseUrl} refused the credentials.`,
      );
    }
    return new ApiError(exchange.status, message ?? fallback, code ?? `http_${exchange.status}`, {
      details,
      reason,
      retryAfterMs: retryAfterMs(exchange.headers),
    });
  }

  private async send(
    method: string,
    path: string,
    options: RequestOptions,
    credentials: Record<string, string>,
  ): Promise<Exchange> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const retry = options.retry ?? IDEMPOTENT.has(method);
    const deadline = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await this.http(path.replace(/^\//, ''), {
        method,
        headers: { ...credentials, 'x-request-id': randomUUID() },
        signal: deadline,
        retry: retry
          ? {
              limit: 2,
              methods: [method],
              statusCodes: RETRY_STATUS,
              afterStatusCodes: [413, 429, 503],
              maxRetryAfter: 10_000,
              backoffLimit: 2_000,
              jitter: true,
            }
          : 0,
        ...(options.json === undefined ? {} : { json: options.json }),
        ...(options.form ? { body: new URLSearchParams(options.form) } : {}),
        ...(options.searchParams ? { searchParams: options.searchParams } : {}),
      });
    } catch (error) {
      throw this.unreachable(error, deadline.aborted ? timeoutMs : undefined);
    }
    this.extensions = parseExtensionsHeader(response.headers.get(EXTENSIONS_HEADER));
    let text: string;
    try {
      text = await readCapped(response, MAX_RESPONSE_BYTES);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw this.unreachable(error, deadline.aborted ? timeoutMs : undefined);
    }
    let body: unknown;
    try {
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new CliError(
        `The server at ${this.baseUrl} answered ${response.status} to ${method.toUpperCase()} /${path.split('?')[0]} with something that is not JSON.`,
        'bad_response',
        1,
        ['Is BASE44_API_URL the address of a Base44 API server?'],
      );
    }
    return { status: response.status, headers: response.headers, body };
  }

  private unreachable(error: unknown, timedOutAfterMs: number | undefined): CliError {
    if (timedOutAfterMs !== undefined || error instanceof TimeoutError) {
      return new CliError(
        `The server at ${this.baseUrl} did not answer within ${Math.round((timedOutAfterMs ?? this.defaultTimeoutMs) / 1000)} s.`,
        'server_timeout',
        1,
        ['Check your network, or set BASE44_API_URL to another server.'],
      );
    }
    return unreachable(this.baseUrl, error);
  }
}

export function unreachable(apiUrl: string, error: unknown): CliError {
  const cause =
    (error as { cause?: { code?: string } })?.cause?.code ??
    (error instanceof Error ? error.message : String(error));
  return new CliError(
    `Cannot reach the server at ${apiUrl} (${printable(cause)}).`,
    'server_unreachable',
    1,
    ['Is the server running? Set BASE44_API_URL to use another server.'],
  );
}

/** `Retry-After` in milliseconds (seconds or an HTTP date), when the server sent one. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(response.url, maxBytes);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(response.url, maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(url: string, maxBytes: number): CliError {
  const origin = URL.canParse(url) ? new URL(url).origin : 'the server';
  return new CliError(
    `The server at ${origin} sent an answer larger than ${maxBytes / 1024 / 1024} MiB; it was not read.`,
    'response_too_large',
  );
}
