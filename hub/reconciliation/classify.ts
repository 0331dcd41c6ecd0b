import type { CollectionEntry } from '../../adapters/sdk/contract.js';
import type { Payment, PaymentLine } from '../payments/payment-model.js';
import { CAPTURED_STATUSES, type LineStatus } from '../payments/state-machine.js';
import type { AgreementClass, Difference } from './differences.js';

/** What the gateway's reports say about one payment over the days looked at. Paise. */
export interface GatewayTotals {
  orderId: string;
  currency: string;
  capturedMinor: number;
  refundedMinor: number;
}

/** Everything one run compares, already read. */
export interface Evidence {
  /** The hub's payments in scope, by id. */
  payments: Map<string, Payment>;
  /** Payment ids the gateway's or a biller's day named that the hub does not have. */
  strangers: { gateway: Map<string, GatewayTotals>; postings: { billerId: string; entry: CollectionEntry }[] };
  /** By payment id. */
  gateway: Map<string, GatewayTotals>;
  /** By biller id, then reference: only billers whose files were all read; others' lines are not judged. */
  billerFiles: Map<string, Map<string, CollectionEntry>>;
  /** Ledger movement keys by payment id: `capture`, `settlement:<lineId>`, `refund:<lineId>`. */
  ledger: Map<string, Set<string>>;
  /** Hub refunds after this instant are too late for the gateway reports read, so not compared. */
  windowEnd: Date;
}

export interface Classification {
  differences: Difference[];
  agreements: Record<AgreementClass, number>;
}

const REFUNDED_SIDE: readonly LineStatus[] = ['failed', 'refunding', 'refunded', 'held'];

/** When the line reached `to`, from the payment's timeline. */
const reachedAt = (payment: Payment, lineId: string, to: LineStatus): Date | undefined =>
  payment.timeline.find((entry) => entry.lineId === lineId && entry.to === to)?.at;

/**
 * Compares the three records and names every difference. Pure: reads only the evidence, so the
 * same evidence always gives the same differences, and a case key found once is found again.
 */
export function classify(evidence: Evidence): Classification {
  const differences: Difference[] = [];
  const agreements: Record<AgreementClass, number> = { matched: 0, in_flight: 0 };

  for (const [paymentId, gw] of evidence.strangers.gateway) {
    if (gw.capturedMinor <= 0) continue;
    differences.push({
      class: 'late_capture',
      subject: paymentId,
      paymentId,
      orderId: gw.orderId,
      detail: `gateway order ${gw.orderId} captured ${gw.capturedMinor} for a payment the hub does not have`,
    });
  }
  for (const { billerId, entry } of evidence.strangers.postings) {
    differences.push({
      class: 'unmatched_posting',
      subject: `${billerId}:${entry.reference}`,
      billerId,
      reference: entry.reference,
      detail: `${billerId} accepted ${entry.amountMinor} under ${entry.reference} (${entry.billerReference}), which no hub line has`,
    });
  }

  for (const payment of evidence.payments.values()) {
    const gw = evidence.gateway.get(payment._id);
    const hubCaptured = CAPTURED_STATUSES.includes(payment.status);
    const gwCaptured = (gw?.capturedMinor ?? 0) > 0;
    if (gw && gwCaptured && !hubCaptured) {
      differences.push({
        class: 'late_capture',
        subject: payment._id,
        paymentId: payment._id,
        orderId: gw.orderId,
        detail: `gateway order ${gw.orderId} captured ${gw.capturedMinor}; the hub has the payment ${payment.status}`,
      });
      continue;
    }
    if (!hubCaptured) continue;
    if (payment.status === 'held') {
      differences.push({
        class: 'held_payment',
        subject: payment._id,
        paymentId: payment._id,
        detail: `held for an operator: ${payment.hold?.detail ?? payment.hold?.reason ?? 'no reason recorded'}`,
      });
    }
    if (!gw || !gwCaptured) {
      const captured = payment.gateway?.capturedMinor ?? payment.totalMinor;
      const currency = payment.gateway?.capturedCurrency ?? payment.currency;
      differences.push({
        class: 'missing_capture',
        subject: payment._id,
        paymentId: payment._id,
        detail: `the hub has ${captured} ${currency} (minor units) captured (${payment.status}); no gateway report shows a capture`,
      });
    } else {
      comparePaymentAmounts(payment, gw, evidence.windowEnd, differences);
    }
    const movements = evidence.ledger.get(payment._id) ?? new Set<string>();
    if (!movements.has('capture')) {
      differences.push(ledgerGap(payment, 'capture'));
    }
    for (const line of payment.lines) {
      const kind = classifyLine(payment, line, evidence.billerFiles.get(line.billerId), differences);
      if (kind) agreements[kind] += 1;
      if (line.status === 'settled' && !movements.has(`settlement:${line._id}`)) {
        differences.push(ledgerGap(payment, 'settlement', line));
      }
      if (line.status === 'refunded' && !movements.has(`refund:${line._id}`)) {
        differences.push(ledgerGap(payment, 'refund', line));
      }
    }
  }
  return { differences, agreements };
}

function comparePaymentAmounts(payment: Payment, gw: GatewayTotals, windowEnd: Date, out: Difference[]): void {
  const hubCaptured = payment.gateway?.capturedMinor ?? payment.totalMinor;
  const hubCurrency = payment.gateway?.capturedCurrency ?? payment.currency;
  if (gw.capturedMinor !== hubCaptured || gw.currency !== hubCurrency) {
    out.push({
      class: 'amount_mismatch',
      subject: payment._id,
      paymentId: payment._id,
      detail: `capture: the hub has ${hubCaptured} ${hubCurrency}, the gateway ${gw.capturedMinor} ${gw.currency}`,
    });
  }
  // Refunds the gateway made that the hub does not know of are always a difference; a hub refund
  // only once it is old enough to be in the reports read.
  const known = payment.lines.filter((l) => ['refunding', 'refunded'].includes(l.status));
  // A held payment an operator refunded whole: its capture was refunded, not any line.
  const heldRefund = payment.status === 'refunded' && payment.hold ? hubCaptured : 0;
  const knownMinor = known.reduce((sum, l) => sum + l.amountMinor, heldRefund);
  const dueMinor = known
    .filter((l) => l.status === 'refunded' && (reachedAt(payment, l._id, 'refunded') ?? windowEnd) < windowEnd)
    .reduce((sum, l) => sum + l.amountMinor, 0);
  if (gw.refundedMinor > knownMinor || gw.refundedMinor < dueMinor) {
    out.push({
      class: 'amount_mismatch',
      subject: `${payment._id}:refunds`,
      paymentId: payment._id,
      detail: `refunds: the hub has ${knownMinor} refunded or refunding, the gateway reports ${gw.refundedMinor}`,
    });
  }
}

/** One line against its biller's files; returns the agreement it counts as, if it is not a difference. */
function classifyLine(
  payment: Payment,
  line: PaymentLine,
  file: Map<string, CollectionEntry> | undefined,
  out: Difference[],
): AgreementClass | undefined {
  // No file from this biller (none published, or unreadable): nothing to compare the line with.
  if (!file) return line.status === 'settled' || line.status === 'refunded' ? 'matched' : 'in_flight';
  const entry = file.get(line.reference);
  const about = {
    subject: line._id,
    paymentId: payment._id,
    lineId: line._id,
    billerId: line.billerId,
    reference: line.reference,
  };
  if (entry && entry.amountMinor !== line.amountMinor) {
    out.push({
      ...about,
      class: 'amount_mismatch',
      detail: `posting: the hub has ${line.amountMinor}, ${line.billerId} accepted ${entry.amountMinor}`,
    });
    return undefined;
  }
  if (line.status === 'settled') {
    if (entry) return 'matched';
    out.push({
      ...about,
      class: 'settled_not_at_biller',
      detail: `settled at the hub, not in ${line.billerId}'s file`,
    });
    return undefined;
  }
  if (line.status === 'unknown') {
    if (!entry) return 'in_flight';
    out.push({
      ...about,
      class: 'unknown_resolved',
      billerReference: entry.billerReference,
      detail: `${line.billerId} accepted it (${entry.billerReference}) at ${entry.acceptedAt}`,
    });
    return undefined;
  }
  if (REFUNDED_SIDE.includes(line.status)) {
    if (!entry) return line.status === 'refunded' ? 'matched' : 'in_flight';
    out.push({
      ...about,
      class: 'refunded_but_posted',
      detail: `the hub has the line ${line.status}; ${line.billerId} accepted it (${entry.billerReference})`,
    });
    return undefined;
  }
  // pending or posting: settlement is still at work on it.
  return 'in_flight';
}

function ledgerGap(payment: Payment, movement: 'capture' | 'settlement' | 'refund', line?: PaymentLine): Difference {
  return {
    class: 'ledger_missing',
    subject: line ? `${movement}:${line._id}` : `capture:${payment._id}`,
    paymentId: payment._id,
    movement,
    ...(line ? { lineId: line._id } : {}),
    detail: line
      ? `line ${line._id} is ${line.status} without its ${movement} entry`
      : 'captured without its capture entry',
  };
}
