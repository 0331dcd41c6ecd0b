import { z } from 'zod';
import type { WalletSettlement } from '../../wallet/settle-by-wallet.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';

/** What the payer types: the wallet they paid from, its transaction id, and optionally how many instalments. */
const walletPaymentBody = z.object({
  walletNumber: z.string().min(10).max(20).describe('the mobile wallet paid from, e.g. 9876543210 or +91 98765 43210'),
  transactionId: z.string().min(6).max(60).describe("the wallet's transaction id"),
  instalments: z
    .number()
    .int()
    .positive()
    .max(36)
    .optional()
    .describe('how many of the next instalments it pays; absent: as many as the amount covers exactly'),
});

const walletPaymentAnswer = z.object({
  status: z
    .enum(['settled', 'verifying'])
    .describe('verifying: the wallet did not answer; send the same request again later'),
  transactionId: z.string(),
  demand: z
    .object({
      reference: z.string(),
      status: z.string(),
      instalments: z.array(z.object({ number: z.number().int(), status: z.string(), paidMinor: z.number().int() })),
    })
    .optional(),
  paymentId: z.string().optional(),
  receiptNumber: z.string().optional(),
});

/**
 * A citizen settles one of their own demands with a transfer they made in a mobile wallet
 * (hub/wallet/settle-by-wallet.ts): 200 `settled`, or 200 `verifying` when the wallet's answer was
 * inconclusive (nothing recorded; the same request again asks it again).
 */
export function walletRoutes(settlement: WalletSettlement): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/demands/:reference/wallet-payments',
      operationId: 'settleMyDemandByWallet',
      summary: 'Settle one of my demands with a mobile wallet transfer I made (wallet number + transaction id)',
      scopes: ['payments:write'],
      callers: ['citizen'],
      body: walletPaymentBody,
      response: walletPaymentAnswer,
      problems: {
        404: 'not_found: no such demand of mine',
        409: 'wallet_already_used: the transaction has paid already; wallet_in_use: it is being verified',
        422:
          'wallet_not_found, wallet_wallet_mismatch, wallet_payee_mismatch, wallet_amount_mismatch (payableMinor, ' +
          'expectedMinor), wallet_not_payable, wallet_out_of_order: nothing recorded; correct and send again',
      },
      handler: async (_ctx, { params, body: input, caller: citizen }) => {
        const result = await settlement.settle({
          reference: params.reference,
          walletNumber: input.walletNumber,
          transactionId: input.transactionId,
          citizenSub: citizen.sub,
          ...(input.instalments !== undefined ? { instalments: input.instalments } : {}),
          // Only the payer the demand names, by a contact the idp verified for this token.
          payer: {
            ...(citizen.phone ? { phone: citizen.phone } : {}),
            ...(citizen.email ? { email: citizen.email } : {}),
          },
        });
        if (result.status === 'verifying') return { status: 'verifying', transactionId: result.claim.transactionId };
        return {
          status: 'settled',
          transactionId: result.claim.transactionId,
          demand: {
            reference: result.demand.reference,
            status: result.demand.status,
            instalments: result.demand.instalments.map((i) => ({
              number: i.number,
              status: i.status,
              paidMinor: i.paidMinor,
            })),
          },
          paymentId: result.claim.paymentId,
          ...(result.receiptId ? { receiptNumber: result.receiptId } : {}),
        };
      },
    }),
  ];
}
