import type { AdapterLogger } from '../sdk/define-adapter.js';
import { BillerUnavailableError } from '../sdk/errors.js';
import { type BillerRequest, type BillerResponse, createBillerHttp } from '../sdk/http-client.js';
import { TokenCache } from '../sdk/token-cache.js';
import { collectionError, faultOf, invoiceError, statusQueryError, tokenError, unexpectedAnswer } from './mapping.js';
import {
  type Collection,
  type CollectionRequest,
  collectionListSchema,
  collectionSchema,
  type InvoiceResponse,
  invoiceResponseSchema,
  tokenResponseSchema,
} from './wire.js';

export interface PipedGasClientOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  retries: number;
  log?: AdapterLogger;
  /** The token cache's clock, for tests. */
  now?: () => number;
}

/** Metro Gas's API in its own shapes: every call authenticated, every non-200 answer turned into a BillerError. */
export interface PipedGasClient {
  getInvoice(bpNo: string, signal?: AbortSignal): Promise<InvoiceResponse>;
  postCollection(request: CollectionRequest, signal?: AbortSignal): Promise<Collection>;
  findCollections(partnerRef: string, signal?: AbortSignal): Promise<Collection[]>;
  /** The daily collection file as CSV text. */
  getCollectionReport(date: string, signal?: AbortSignal): Promise<unknown>;
  close(): void;
}

export function createPipedGasClient(options: PipedGasClientOptions): PipedGasClient {
  // The http client reads this list at every redaction, so the current token joins it once issued.
  const secrets = [options.clientSecret];
  const http = createBillerHttp({
    name: 'metro-gas',
    baseURL: options.baseUrl,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    headers: { accept: 'application/json' },
    secrets,
    log: options.log,
  });

  const tokens = new TokenCache({
    now: options.now,
    fetchToken: async () => {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: options.clientId,
        client_secret: options.clientSecret,
      });
      // Asking twice only issues two tokens, so the request may be retried.
      const response = await http.request({
        method: 'POST',
        url: '/oauth/token',
        data: form.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        idempotent: true,
      });
      if (response.status !== 200) throw tokenError(response.status, response.data);
      const parsed = tokenResponseSchema.safeParse(response.data);
      if (!parsed.success) throw unexpectedAnswer('token response');
      secrets[1] = parsed.data.access_token;
      return { value: parsed.data.access_token, expiresInSeconds: parsed.data.expires_in };
    },
  });

  async function authorized<T>(request: BillerRequest): Promise<BillerResponse<T>> {
    const send = (token: string) =>
      http.request<T>({ ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } });
    const token = await tokens.get();
    const response = await send(token);
    if (response.status !== 401) return response;
    // Expired or revoked early: one fresh token and one more try, never a loop. A 401 means nothing was done.
    tokens.invalidate(token);
    const retried = await send(await tokens.get());
    if (retried.status === 401) {
      throw new BillerUnavailableError('Metro Gas refused a freshly issued access token', faultOf(retried.data)?.code);
    }
    return retried;
  }

  return {
    async getInvoice(bpNo, signal) {
      const response = await authorized({
        method: 'GET',
        url: `/gas/v1/accounts/${encodeURIComponent(bpNo)}/invoice`,
        signal,
      });
      if (response.status !== 200) throw invoiceError(response.status, response.data);
      const parsed = invoiceResponseSchema.safeParse(response.data);
      if (!parsed.success) throw unexpectedAnswer('invoice');
      return parsed.data;
    },

    async postCollection(request, signal) {
      // The company deduplicates on partnerRef (the hub's reference), so a retry cannot pay twice.
      const response = await authorized({
        method: 'POST',
        url: '/gas/v1/collections',
        data: request,
        idempotent: true,
        signal,
      });
      if (response.status !== 200 && response.status !== 201) throw collectionError(response.status, response.data);
      const parsed = collectionSchema.safeParse(response.data);
      if (!parsed.success) throw unexpectedAnswer('collection');
      return parsed.data;
    },

    async findCollections(partnerRef, signal) {
      const response = await authorized({ method: 'GET', url: '/gas/v1/collections', params: { partnerRef }, signal });
      if (response.status !== 200) throw statusQueryError(response.status, response.data);
      const parsed = collectionListSchema.safeParse(response.data);
      if (!parsed.success) throw unexpectedAnswer('collection list');
      return parsed.data.items;
    },

    async getCollectionReport(date, signal) {
      const response = await authorized({
        method: 'GET',
        url: '/gas/v1/reports/collections',
        params: { date },
        signal,
      });
      if (response.status !== 200) throw statusQueryError(response.status, response.data);
      return response.data;
    },

    close() {
      http.close();
    },
  };
}
