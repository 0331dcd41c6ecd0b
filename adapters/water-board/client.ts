import type { z } from 'zod';
import { type AdapterLogger, createBillerHttp } from '../sdk/index.js';
import { readAnswer } from './mapping.js';
import { signedForm } from './signing.js';
import {
  type BillFetchAnswer,
  type BoardAnswer,
  billFetchSchema,
  type PaymentAnswer,
  type PaymentFields,
  paymentSchema,
  type TxnStatusAnswer,
  txnStatusSchema,
} from './wire.js';

export interface WaterBoardClientOptions {
  baseUrl: string;
  agencyCode: string;
  hmacSecret: string;
  timeoutMs: number;
  retries: number;
  name: string;
  log?: AdapterLogger;
}

export interface WaterBoardClient {
  billFetch(connectionId: string, signal?: AbortSignal): Promise<BoardAnswer<BillFetchAnswer>>;
  payment(fields: Omit<PaymentFields, 'agencyCode'>, signal?: AbortSignal): Promise<BoardAnswer<PaymentAnswer>>;
  txnStatus(agencyTxnId: string, signal?: AbortSignal): Promise<BoardAnswer<TxnStatusAnswer>>;
  /** The daily MIS file: its CSV text on success, the board's JSON answer (a result code) otherwise. */
  misReport(date: string, signal?: AbortSignal): Promise<{ status: number; data: unknown }>;
  close(): void;
}

/** The board's three calls, signed, over the SDK's HTTP client (timeouts, retries, redaction). */
export function createWaterBoardClient(options: WaterBoardClientOptions): WaterBoardClient {
  const http = createBillerHttp({
    name: options.name,
    baseURL: options.baseUrl,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    secrets: [options.hmacSecret],
    log: options.log,
  });

  // Every call is safe to repeat: fetch and status only read, and the board dedupes postings on agencyTxnId.
  const call = async <T>(path: string, fields: Record<string, string>, schema: z.ZodType<T>, signal?: AbortSignal) => {
    const response = await http.request<unknown>({
      method: 'POST',
      url: path,
      data: signedForm({ agencyCode: options.agencyCode, ...fields }, options.hmacSecret),
      idempotent: true,
      signal,
    });
    return readAnswer(`${options.name} POST ${path}`, response.status, response.data, schema);
  };

  return {
    billFetch: (connectionId, signal) => call('/api/billfetch', { connectionId }, billFetchSchema, signal),
    payment: (fields, signal) => call('/api/payment', fields, paymentSchema, signal),
    txnStatus: (agencyTxnId, signal) => call('/api/txnstatus', { agencyTxnId }, txnStatusSchema, signal),
    misReport: (date, signal) =>
      http.request<unknown>({
        method: 'POST',
        url: '/api/misreport',
        data: signedForm({ agencyCode: options.agencyCode, date }, options.hmacSecret),
        idempotent: true,
        signal,
      }),
    close: () => http.close(),
  };
}
