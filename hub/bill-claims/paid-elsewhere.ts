import type { GatewayOrder } from '../gateway/index.js';
import type { Payment, PaymentStore } from '../payments/index.js';
import type { BillClaims } from './bill-claims.js';

/** What failLinesPaidElsewhere works with. */
export interface PaidElsewhereDeps {
  payments: Pick<PaymentStore, 'transitionLine'>;
  claims: Pick<BillClaims, 'acquire' | 'heldBy'>;
  /** Applies a capture found on another checkout of the same bill (PaymentCapture.apply). */
  applyCapture: (payment: Payment, order: GatewayOrder) => Promise<unknown>;
}

/**
 * Before a captured payment starts settling (issue 8, hole 5): each pending line claims its bill.
 * A bill another payment pays, or one whose other checkout turned out paid at the gateway, fails
 * the line with failureCode `bill_already_paid`, so settlement refunds it instead of paying the
 * biller twice; the payment's timeline says so. Call it while the payment is `captured` (lines
 * move only then), before the move to settling; safe to repeat. Returns the ids of lines failed.
 */
export async function failLinesPaidElsewhere(deps: PaidElsewhereDeps, payment: Payment): Promise<string[]> {
  const failed: string[] = [];
  const pending = payment.lines.filter((line) => line.status === 'pending');
  // The usual capture still holds every claim it made at checkout: one read says so.
  const held = await deps.claims.heldBy(
    payment._id,
    pending.map((line) => line.billKey),
  );
  for (const line of pending) {
    if (held.has(line.billKey)) continue;
    const claim = await deps.claims.acquire(payment, line.billKey);
    if (claim.kind === 'held') continue;
    // The other checkout was paid after all: it takes its own capture, and its bill.
    if (claim.kind === 'paying' && claim.order.status === 'captured') await deps.applyCapture(claim.by, claim.order);
    const moved = await deps.payments.transitionLine(
      payment._id,
      line._id,
      'pending',
      'failed',
      'bill_already_paid',
      {
        failureCode: 'bill_already_paid',
        failureMessage: `the bill was paid by ${claim.by._id} first; this line is refunded`,
      },
      `paid by ${claim.by._id}`,
    );
    if (moved) failed.push(line._id);
  }
  return failed;
}
