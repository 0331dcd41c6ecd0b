import { type AdapterLogger, type BillerResponse, createBillerHttp } from '../sdk/index.js';
import type { WirePaymentRequest } from './wire.js';

export interface TemplateBillerClientOptions {
  name: string;
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  retries: number;
  log?: AdapterLogger;
}

/**
 * The biller's three HTTP calls, answers returned raw for the mapping. 5xx, timeouts and network
 * errors are already BillerUnavailableError from createBillerHttp.
 */
export function createTemplateBillerClient(options: TemplateBillerClientOptions) {
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
    getBill: (accountNo: string, signal?: AbortSignal): Promise<BillerResponse<unknown>> =>
      http.request({ method: 'GET', url: `/api/v1/accounts/${encodeURIComponent(accountNo)}/bill`, signal }),
    // The biller answers a repeated reference with the first record, so a retry cannot pay twice.
    postPayment: (body: WirePaymentRequest, signal?: AbortSignal): Promise<BillerResponse<unknown>> =>
      http.request({ method: 'POST', url: '/api/v1/payments', data: body, idempotent: true, signal }),
    getPayment: (reference: string, signal?: AbortSignal): Promise<BillerResponse<unknown>> =>
      http.request({ method: 'GET', url: `/api/v1/payments/${encodeURIComponent(reference)}`, signal }),
    close: () => http.close(),
  };
}
