import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosError, type AxiosRequestConfig, type Method } from 'axios';
import axiosRetry, { isNetworkError } from 'axios-retry';
import type { AdapterLogger } from './define-adapter.js';
import { BillerUnavailableError } from './errors.js';

export interface BillerHttpOptions {
  /** For messages and logs, e.g. the biller id. */
  name: string;
  baseURL: string;
  /** Per attempt; the whole call, retries included, also has a hard deadline. */
  timeoutMs?: number;
  /** Extra attempts for idempotent calls only. */
  retries?: number;
  headers?: Record<string, string>;
  /** Values that must never appear in a log line or an error (API keys, tokens). */
  secrets?: string[];
  log?: AdapterLogger;
  /** Sockets kept per host: enough for the hub's concurrency, bounded so a biller is not flooded. */
  maxSockets?: number;
}

export interface BillerRequest {
  method: Method;
  url: string;
  data?: unknown;
  params?: Record<string, string>;
  headers?: Record<string, string>;
  /** Safe to send twice. Defaults to true for GET and HEAD; a posting may set it when the biller dedupes. */
  idempotent?: boolean;
  signal?: AbortSignal;
}

export interface BillerResponse<T> {
  status: number;
  data: T;
  headers: Record<string, unknown>;
}

export interface BillerHttp {
  request<T = unknown>(request: BillerRequest): Promise<BillerResponse<T>>;
  close(): void;
}

const MAX_BACKOFF_MS = 1_000;

/**
 * An axios client for one biller: keep-alive sockets, a timeout on every call, retries with
 * full-jitter backoff for idempotent calls on timeouts, network errors and 5xx, and errors
 * that say what failed without carrying headers or bodies. 4xx answers are returned for the
 * adapter's own mapping.
 */
export function createBillerHttp(options: BillerHttpOptions): BillerHttp {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const retries = options.retries ?? 2;
  const maxSockets = options.maxSockets ?? 64;
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets });
  const client = axios.create({
    baseURL: options.baseURL,
    timeout: timeoutMs,
    headers: options.headers,
    httpAgent,
    httpsAgent,
    maxRedirects: 0,
    // Billers are called directly; reading proxy variables on every call costs ~10% of throughput.
    proxy: false,
    // 4xx is an answer for the adapter to map; 5xx is a failure to retry.
    validateStatus: (status) => status < 500,
  });
  axiosRetry(client, {
    retries,
    // Each attempt gets the full timeout; without this, axios-retry spends one budget on all of them.
    shouldResetTimeout: true,
    retryCondition: (error) =>
      isNetworkError(error) ||
      error.code === 'ECONNABORTED' ||
      error.code === 'ETIMEDOUT' ||
      (error.response?.status ?? 0) >= 500,
    retryDelay: (attempt) => Math.random() * Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt),
  });

  const redact = (text: string) =>
    (options.secrets ?? []).filter(Boolean).reduce((out, secret) => out.split(secret).join('[redacted]'), text);

  return {
    async request<T>(request: BillerRequest): Promise<BillerResponse<T>> {
      const idempotent = request.idempotent ?? (request.method === 'GET' || request.method === 'HEAD');
      const attempts = idempotent ? retries + 1 : 1;
      // A hard deadline for the whole call, retries included: a timer and a controller are
      // far cheaper per call than AbortSignal.timeout/any.
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), timeoutMs * attempts + MAX_BACKOFF_MS * (attempts - 1));
      const config: AxiosRequestConfig & { 'axios-retry'?: { retries: number } } = {
        method: request.method,
        url: request.url,
        data: request.data,
        params: request.params,
        headers: request.headers,
        signal: request.signal ? AbortSignal.any([request.signal, deadline.signal]) : deadline.signal,
        ...(idempotent ? {} : { 'axios-retry': { retries: 0 } }),
      };
      const where = redact(`${options.name} ${request.method} ${request.url}`);
      const started = performance.now();
      try {
        const response = await client.request<T>(config);
        options.log?.debug({ biller: options.name, call: where, status: response.status, ms: elapsed(started) });
        return { status: response.status, data: response.data, headers: response.headers as Record<string, unknown> };
      } catch (caught) {
        const error = caught as AxiosError;
        const why = error.response
          ? `answered ${error.response.status}`
          : error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT' || deadline.signal.aborted
            ? `timed out after ${timeoutMs} ms`
            : `failed (${error.code ?? 'network error'})`;
        options.log?.warn({ biller: options.name, call: where, why, ms: elapsed(started) }, 'biller call failed');
        throw new BillerUnavailableError(
          `${where} ${why}`,
          error.response ? String(error.response.status) : error.code,
        );
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
