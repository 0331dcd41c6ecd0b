import { z } from 'zod';
import { createBillerHttp } from '../../adapters/sdk/index.js';
import { GatewayRejectedError, GatewayUnavailableError } from '../gateway/errors.js';
import type { GatewayReportSource, GatewaySettlementReport } from './ports.js';

const paise = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const wireReportSchema = z.object({
  date: z.string(),
  rows: z.array(
    z.object({
      orderId: z.string().min(1),
      merchantRef: z.string().min(1),
      method: z.string().nullable(),
      currency: z.string().min(1),
      capturedMinor: paise,
      refundedMinor: paise,
      feeMinor: paise,
      netMinor: z.number().int(),
    }),
  ),
});

export interface GatewayReportClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Extra attempts: reading a report is safe to repeat. */
  retries?: number;
}

/**
 * The sandbox gateway's settlement report (`GET /v1/reports/settlements?date=`), through the
 * SDK's HTTP client: a timeout per attempt, retries with backoff, the API key never logged.
 * Throws GatewayUnavailableError when it cannot be read, GatewayRejectedError on a refusal.
 */
export function createGatewayReportClient(options: GatewayReportClientOptions): GatewayReportSource & {
  close(): void;
} {
  const http = createBillerHttp({
    name: 'sandbox-gateway reports',
    baseURL: options.baseUrl.replace(/\/+$/, ''),
    timeoutMs: options.timeoutMs ?? 10_000,
    retries: options.retries ?? 2,
    headers: { authorization: `Bearer ${options.apiKey}`, accept: 'application/json' },
    secrets: [options.apiKey],
  });
  return {
    async settlementReport(date): Promise<GatewaySettlementReport> {
      let response: Awaited<ReturnType<typeof http.request>>;
      try {
        response = await http.request<unknown>({ method: 'GET', url: '/v1/reports/settlements', params: { date } });
      } catch (error) {
        throw new GatewayUnavailableError(`settlement report for ${date}: ${(error as Error).message}`);
      }
      if (response.status !== 200)
        throw new GatewayRejectedError(`settlement report for ${date} answered ${response.status}`);
      const body = wireReportSchema.safeParse(response.data);
      if (!body.success || body.data.date !== date) {
        throw new GatewayUnavailableError(`settlement report for ${date} came in an unexpected shape`);
      }
      return {
        date,
        rows: body.data.rows.map(({ merchantRef, ...row }) => ({ ...row, paymentId: merchantRef })),
      };
    },
    close: () => http.close(),
  };
}
