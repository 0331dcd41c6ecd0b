import { maskBillNumber } from '../../bills/consumer-key.js';
import { displayStatus, lineDisplayStatus } from '../../payments/display-status.js';
import type { Payment } from '../../payments/index.js';

/**
 * A payment as its citizen sees it: no idempotency internals, consumer and bill numbers masked
 * (a bill number may embed the consumer number). `status` is
 * the hub's own; `displayStatus` is what to tell the citizen (being_confirmed while a biller's
 * answer is awaited, under_review while an operator looks at it).
 */
export function paymentView(payment: Payment) {
  return {
    id: payment._id,
    status: payment.status,
    displayStatus: displayStatus(payment),
    currency: payment.currency,
    totalMinor: payment.totalMinor,
    method: payment.gateway?.method,
    expiresAt: payment.expiresAt,
    /** The newer checkout that replaced this one (status cancelled). */
    supersededBy: payment.supersededBy,
    /** Why a held payment waits for an operator (e.g. capture_mismatch), and what the gateway took. */
    hold: payment.hold ? { reason: payment.hold.reason, detail: payment.hold.detail } : undefined,
    /** `pending` while an operator checks the payment after a risk rule fired (hub/risk); never the rule or its reason. */
    riskReview: payment.risk?.review?.status === 'pending' ? ('pending' as const) : undefined,
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
    lines: payment.lines.map((line) => ({
      id: line._id,
      billerId: line.billerId,
      consumerMasked: line.consumerMasked,
      billNumberMasked: maskBillNumber(line.billNumber),
      amountMinor: line.amountMinor,
      reference: line.reference,
      status: line.status,
      displayStatus: lineDisplayStatus(line.status, payment.status),
      billerReference: line.billerReference,
      failureCode: line.failureCode,
      // A payment demand's line names its demand (a bill number `<reference>/<instalment>`).
      ...(line.billerId === 'payment-demands' ? { demandReference: line.billNumber.replace(/\/\d+$/, '') } : {}),
    })),
    // Risk entries are the operators' (their reasons are no business of a possible fraudster): the
    // citizen sees `riskReview` and displayStatus instead.
    timeline: payment.timeline
      .filter(({ event }) => !event.startsWith('risk.'))
      .map(({ at, event, from, to, lineId }) => ({ at, event, from, to, lineId })),
  };
}
