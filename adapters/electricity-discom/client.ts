import { type AdapterLogger, type BillerResponse, createBillerHttp } from '../sdk/index.js';
import type { WirePaymentRequest } from './wire.js';

export interface DiscomClientOptions {
  name: string;
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  retries: number;
  log?: AdapterLogger;
}

/**
 * The discom's three HTTP calls, answers returned raw for the mapping. 5xx, timeouts and
 * network errors are already BillerUnavailableError from createBillerHttp.
 */
export function createDiscomClient(options: DiscomClientOptions) {
  const http = createBillerHttp({
    name: options.name,
    baseURL: options.baseUrl,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    headers: { 'X-Api-Key': options.apiKey, Accept: 'application/json' },
    secrets: [options.apiKey],
    log: options.log,
  });

  return {
    getBill(consumerNumber: string, signal?: AbortSignal): Promise<BillerResponse<unknown>> {
      return http.request({ method: 'GET', url: `/v2/consumers/${encodeURIComponent(consumerNumber)}/bill`, signal });
    },

    postPayment(body: WirePaymentRequest, signal?: AbortSignal): Promise<BillerResponse<unknown>> {
      // The discom answers a repeated txnRef with the first record, so a retry cannot pay twice.
      return http.request({ method: 'POST', url: '/v2/payments', data: body, idempotent: true, signal });
    },

    getPayment(txnRef: string, signal?: AbortSignal): Promise<BillerResponse<unknown>> {
      return http.request({ method: 'GET', url: `/v2/payments/${encodeURIComponent(txnRef)}`, signal });
    },

    /** The daily collection file (CSV text; 4xx answers returned for the caller to refuse). */
    getCollectionReport(date: string, signal?: AbortSignal): Promise<BillerResponse<unknown>> {
      return http.request({ method: 'GET', url: '/v2/reports/collections', params: { date }, signal });
    },

    close(): void {
      http.close();
    },
  };
}

export type DiscomClient = ReturnType<typeof createDiscomClient>;
