import type { Payment } from '../payments/payment-model.js';
import type { Receipt, ReceiptLine } from '../receipts/receipt-model.js';
import type { LineChangeHook, LineNews } from '../settlement/deps.js';
import type {
  DemandPaid,
  PaymentConfirmed,
  PaymentFailed,
  PaymentUnknown,
  RefundCompleted,
  RefundedDemand,
  RefundStarted,
} from './events.js';
import type { Notifications } from './notifications.js';

const DAY_MS = 24 * 3600_000;

/**
 * How long after a line turns unknown the citizen is promised an answer: status enquiries go on
 * for `enquiryGiveUpMs` (hub/settlement/enquiry.ts), and the daily reconciliation, which compares
 * the biller's collection file, runs within a day after that.
 */
export const confirmWithinMs = (options: { enquiryGiveUpMs: number }): number => options.enquiryGiveUpMs + DAY_MS;

/** The message of a line's change (LineNews), for the citizen who made the payment; null for a line not in it. */
export function lineEvent(
  payment: Payment,
  lineId: string,
  news: LineNews,
  context: {
    billerName: (billerId: string) => string;
    confirmWithinMs: number;
    now?: Date;
    /** The payment demand the line paid (its provider, and whether it was cancelled), if any. */
    demand?: RefundedDemand;
  },
): PaymentUnknown | RefundStarted | RefundCompleted | null {
  const line = payment.lines.find((l) => l._id === lineId);
  if (!line) return null;
  const common = {
    citizenSub: payment.citizenSub,
    paymentId: payment._id,
    lineId,
    billerName: context.billerName(line.billerId),
    amountMinor: line.amountMinor,
    currency: payment.currency,
  };
  if (news === 'unknown') {
    const now = context.now ?? new Date();
    return { kind: 'payment_unknown', ...common, confirmBy: new Date(now.getTime() + context.confirmWithinMs) };
  }
  const demand = context.demand ? { demand: context.demand } : {};
  return { kind: news === 'refunded' ? 'refund_completed' : 'refund_started', ...common, ...demand };
}

/** What a receipt says of who was paid: each payee once, a demand's provider by name. */
function payeesOf(lines: readonly ReceiptLine[]): string[] {
  const settled = lines.filter((line) => line.status === 'settled');
  const named = (settled.length > 0 ? settled : lines).map((line) => line.demand?.providerName ?? line.billerName);
  return [...new Set(named)];
}

/** The payment demands a receipt's settled lines paid, each with what remained to pay. */
function demandsOf(lines: readonly ReceiptLine[]): DemandPaid[] {
  const byReference = new Map<string, DemandPaid>();
  for (const line of lines) {
    const demand = line.demand;
    if (!demand || line.status !== 'settled') continue;
    const seen = byReference.get(demand.reference);
    const numbers = demand.instalments.map((i) => i.number);
    if (seen) seen.instalments = [...new Set([...seen.instalments, ...numbers])].sort((a, b) => a - b);
    else {
      byReference.set(demand.reference, {
        reference: demand.reference,
        providerName: demand.providerName,
        instalments: numbers,
        instalmentCount: demand.instalmentCount,
        remaining: { ...demand.remaining },
      });
    }
  }
  return [...byReference.values()];
}

/**
 * The confirmation of a receipt (a checkout's, or a wallet transfer's, hub/wallet): who was paid,
 * and for each payment demand paid, its reference, provider and what remains to pay. Throws for a
 * receipt without a final status.
 */
export function receiptConfirmedEvent(
  receipt: Pick<Receipt, '_id' | 'status' | 'paymentId' | 'citizenSub' | 'totalMinor' | 'currency'> & {
    lines?: readonly ReceiptLine[];
  },
  verifyUrl?: string,
): PaymentConfirmed {
  const outcome = (['completed', 'partially_refunded', 'refunded'] as const).find((s) => s === receipt.status);
  if (!outcome) throw new Error(`receipt ${receipt._id} has no final status (${receipt.status})`);
  const lines = receipt.lines ?? [];
  const demands = demandsOf(lines);
  const payees = payeesOf(lines);
  return {
    kind: 'payment_confirmed',
    citizenSub: receipt.citizenSub,
    paymentId: receipt.paymentId,
    receiptId: receipt._id,
    outcome,
    amountMinor: receipt.totalMinor,
    currency: receipt.currency,
    ...(payees.length > 0 ? { payees } : {}),
    ...(demands.length > 0 ? { demands } : {}),
    ...(verifyUrl ? { verifyUrl } : {}),
  };
}

/** The confirmation of a final payment, once its receipt is issued (its lines name the payees). */
export function paymentConfirmedEvent(
  payment: Payment,
  receipt: { _id: string; status: string; lines?: readonly ReceiptLine[] },
  verifyUrl?: string,
): PaymentConfirmed {
  return receiptConfirmedEvent(
    {
      ...receipt,
      paymentId: payment._id,
      citizenSub: payment.citizenSub,
      totalMinor: payment.totalMinor,
      currency: payment.currency,
    },
    verifyUrl,
  );
}

/** The gateway turned the payment down: nothing was taken. */
export function paymentFailedEvent(payment: Payment): PaymentFailed {
  return {
    kind: 'payment_failed',
    citizenSub: payment.citizenSub,
    paymentId: payment._id,
    amountMinor: payment.totalMinor,
    currency: payment.currency,
  };
}

/**
 * Settlement's line hook (SettlementDeps.onLineChange) that tells the citizen: a line turning
 * unknown, or its refund starting or completing. `billerName` names a line's biller for the message;
 * a line that paid a payment demand is named for the demand's provider, and the refund of a
 * cancelled demand's line says so (Notifications.demandOf finds the demand).
 */
export function notifyLineChanges(
  notifications: Pick<Notifications, 'notify'> & Partial<Pick<Notifications, 'demandOf'>>,
  context: { billerName: (billerId: string) => string; confirmWithinMs: number },
): LineChangeHook {
  return async (payment, lineId, news) => {
    const line = payment.lines.find((l) => l._id === lineId);
    const demand = line ? await notifications.demandOf?.(line) : undefined;
    const event = lineEvent(payment, lineId, news, { ...context, ...(demand ? { demand } : {}) });
    if (event) await notifications.notify(event);
  };
}
