import { type Demand, type Payer, payableInstalments, quoteNext } from '../demands/index.js';
import type { TransferVerification } from './port.js';
import type { WalletTransferClaim } from './transfer-claim-model.js';
import type { WalletRefusal } from './wallet-errors.js';

// Which demand a wallet transfer may pay, and which of its instalments: pure rules over the
// demand, the claim and the wallet's verified answer (hub/demands' payable rules decide the costs).

/** The demand's payer is this person: the same phone, or the same email (any case). */
export function isPayerOf(demand: Demand, payer: Payer): boolean {
  const phone = Boolean(payer.phone) && demand.payer.phone === payer.phone;
  const email = Boolean(payer.email) && demand.payer.email === payer.email?.toLowerCase();
  return phone || email;
}

/** The instalments a transfer pays, or why it pays none. */
export type Plan =
  | { ok: true; instalments: number[] }
  | { ok: false; reason: WalletRefusal; message: string; details?: Record<string, unknown> };

/**
 * Which instalments a verified transfer pays: those already recorded under this payment id (a
 * retry after a crash), else the next `instalmentCount` ones, else as many of the next ones as
 * cost exactly the amount on the transfer's day. A transfer made before the demand existed pays
 * nothing of it.
 */
export function paymentPlan(
  demand: Demand,
  claim: WalletTransferClaim,
  transfer: Extract<TransferVerification, { status: 'verified' }>,
  day: string,
): Plan {
  const earlier = demand.payments.find((p) => p.paymentId === claim.paymentId);
  if (earlier) return { ok: true, instalments: [...earlier.instalments] };
  if (transfer.currency !== demand.currency) {
    return { ok: false, reason: 'amount_mismatch', message: `the transfer was in ${transfer.currency}` };
  }
  if (transfer.paidAt.getTime() < new Date(demand.createdAt).getTime()) {
    return {
      ok: false,
      reason: 'not_found',
      message: `transaction ${claim.transactionId} was made before demand ${demand.reference} was raised`,
    };
  }
  const open = payableInstalments(demand);
  if (open.length === 0) {
    return { ok: false, reason: 'not_payable', message: `a ${demand.status} demand cannot be paid` };
  }
  const costs: number[] = [];
  let running = 0;
  for (const quote of quoteNext(demand, day)) {
    running += quote.payableMinor;
    costs.push(running);
  }
  const count = claim.instalmentCount ?? (costs.indexOf(transfer.amountMinor) + 1 || undefined);
  if (count !== undefined && costs[count - 1] === transfer.amountMinor) {
    return { ok: true, instalments: open.slice(0, count).map((i) => i.number) };
  }
  const asked = claim.instalmentCount;
  const expected = asked !== undefined ? costs[asked - 1] : costs[0];
  return {
    ok: false,
    reason: 'amount_mismatch',
    message:
      asked !== undefined && asked > costs.length
        ? `only ${costs.length} instalment(s) are open`
        : `the transfer of ${transfer.amountMinor} paise is not what the next instalment(s) cost on ${day}: ${costs
            .map((cost, k) => `${k + 1}: ${cost}`)
            .join(', ')} paise`,
    details: {
      amountMinor: transfer.amountMinor,
      day,
      payableMinor: costs,
      ...(expected ? { expectedMinor: expected } : {}),
    },
  };
}
