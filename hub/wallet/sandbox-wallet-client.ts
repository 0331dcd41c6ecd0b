import { z } from 'zod';
import { type AdapterLogger, BillerUnavailableError, createBillerHttp } from '../../adapters/sdk/index.js';
import type { TransferVerification, WalletProvider } from './port.js';
import { normaliseTransactionId, normaliseWalletNumber } from './wallet-input.js';

export const sandboxWalletClientOptionsSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }),
  apiKey: z.string().min(1),
  /** Per attempt. */
  timeoutMs: z.number().int().positive().max(60_000).default(5_000),
  /** Extra attempts: a verify call only reads, so repeating it is safe. */
  retries: z.number().int().min(0).max(5).default(1),
});
export type SandboxWalletClientOptions = z.input<typeof sandboxWalletClientOptionsSchema>;

// The sandbox's answer (adapters/sandboxes/wallet/app.ts), read here without importing it.
const wireTransfer = z.object({
  transactionId: z.string(),
  payerWallet: z.string(),
  payee: z.string(),
  amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  currency: z.literal('INR'),
  paidAt: z.iso.datetime({ offset: true }),
});
const wireAnswer = z.discriminatedUnion('result', [
  z.object({ result: z.literal('verified'), transfer: wireTransfer }),
  z.object({ result: z.literal('not_found') }),
  z.object({ result: z.literal('wallet_mismatch') }),
  z.object({ result: z.literal('payee_mismatch') }),
]);

/**
 * The wallet port over the sandbox wallet's HTTP API, through the SDK's HTTP client (axios):
 * keep-alive, `timeoutMs` per attempt, retries on timeouts and 5xx, the API key redacted. Only an
 * answer the wallet states in words is final; a timeout, a 5xx, a 4xx (a misconfigured key or
 * URL) or a body it cannot read is `unknown`.
 */
export function createSandboxWalletClient(
  options: SandboxWalletClientOptions,
  context: { log?: AdapterLogger } = {},
): WalletProvider & { close(): void } {
  const parsed = sandboxWalletClientOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new Error(`sandbox wallet options: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  }
  const config = parsed.data;
  const http = createBillerHttp({
    name: 'sandbox-wallet',
    baseURL: config.baseUrl.replace(/\/+$/, ''),
    timeoutMs: config.timeoutMs,
    retries: config.retries,
    headers: { authorization: `Bearer ${config.apiKey}`, accept: 'application/json' },
    secrets: [config.apiKey],
    log: context.log,
  });

  return {
    identifier: 'sandbox',

    async verifyTransfer(input): Promise<TransferVerification> {
      const walletNumber = normaliseWalletNumber(input.walletNumber);
      const transactionId = normaliseTransactionId(input.transactionId);
      if (!walletNumber || !transactionId)
        throw new TypeError('verifyTransfer needs a normalised wallet number and id');
      const unknown = (reason: string): TransferVerification => ({ status: 'unknown', transactionId, reason });
      let response: Awaited<ReturnType<typeof http.request>>;
      try {
        response = await http.request({
          method: 'POST',
          url: '/v1/transfers/verify',
          data: { walletNumber, transactionId, ...(input.expectedPayee ? { payee: input.expectedPayee } : {}) },
          // A read: the wallet changes nothing, so a timed-out call may be sent again.
          idempotent: true,
        });
      } catch (error) {
        if (error instanceof BillerUnavailableError) return unknown(error.message);
        throw error;
      }
      if (response.status !== 200) return unknown(`the wallet answered ${response.status}`);
      const answer = wireAnswer.safeParse(response.data);
      if (!answer.success) return unknown('the wallet answered with an unexpected body');
      const body = answer.data;
      if (body.result === 'not_found') return { status: 'not_found', transactionId };
      if (body.result === 'wallet_mismatch') return { status: 'mismatch', transactionId, field: 'walletNumber' };
      if (body.result === 'payee_mismatch') return { status: 'mismatch', transactionId, field: 'payee' };
      const t = body.transfer;
      // The wallet's word is checked against the question, not trusted blindly.
      if (t.transactionId !== transactionId) return unknown('the wallet answered about another transaction');
      if (t.payerWallet !== walletNumber) return { status: 'mismatch', transactionId, field: 'walletNumber' };
      if (input.expectedPayee && t.payee !== input.expectedPayee) {
        return { status: 'mismatch', transactionId, field: 'payee' };
      }
      return {
        status: 'verified',
        transactionId,
        amountMinor: t.amount,
        currency: t.currency,
        paidAt: new Date(t.paidAt),
        payerWallet: t.payerWallet,
        payee: t.payee,
      };
    },

    close() {
      http.close();
    },
  };
}
