import type { Payment, PaymentLine, PaymentModel, PaymentStatus } from '../payments/index.js';

/** Payments in these statuses hold (or are about to hold) the citizen's money for every line. */
const PAYING_STATUSES: readonly PaymentStatus[] = ['captured', 'settling', 'held'];
/** Lines in these statuses reached (or may have reached) the biller. */
const PAID_LINE_STATUSES: readonly PaymentLine['status'][] = ['posting', 'unknown', 'settled'];
/** Checkouts still waiting for the citizen to pay. */
export const OPEN_CHECKOUT_STATUSES: readonly PaymentStatus[] = ['created', 'awaiting_payment'];

/**
 * Whether `payment` pays (or paid) the bill `billKey` (issue 8, holes 5 and 6): its line for the bill
 * is not refunded and the payment is captured, settling or held, or the line is posting, unknown or
 * settled. A refunded line, or a failed, expired or cancelled payment, does not pay the bill.
 */
export function paysBill(payment: Pick<Payment, 'status' | 'lines'>, billKey: string): boolean {
  const line = payment.lines.find((l) => l.billKey === billKey);
  if (!line || line.status === 'refunded') return false;
  return PAYING_STATUSES.includes(payment.status) || PAID_LINE_STATUSES.includes(line.status);
}

/** A payment that pays one of the bills, as shown to citizens. */
export interface BillPayer {
  billKey: string;
  paymentId: string;
  status: PaymentStatus;
}

/**
 * For each of `billKeys`, a payment other than `exceptId` that pays it (see paysBill): the
 * answer to "was this bill paid already?". Only payments that ever took money are read.
 */
export async function findBillPayers(
  payments: PaymentModel,
  billKeys: readonly string[],
  exceptId?: string,
): Promise<BillPayer[]> {
  if (billKeys.length === 0) return [];
  const candidates = await payments
    .find({
      ...(exceptId ? { _id: { $ne: exceptId } } : {}),
      'lines.billKey': { $in: billKeys },
      status: { $nin: [...OPEN_CHECKOUT_STATUSES, 'failed', 'expired', 'cancelled'] },
    })
    .sort({ createdAt: 1 })
    .lean<Payment[]>()
    .exec();
  const payers: BillPayer[] = [];
  for (const key of billKeys) {
    const payer = candidates.find((p) => paysBill(p, key));
    if (payer) payers.push({ billKey: key, paymentId: payer._id, status: payer.status });
  }
  return payers;
}

/** For each of `billKeys`, an unexpired checkout (created or awaiting payment) that has it, newest first. */
export async function findOpenCheckouts(
  payments: PaymentModel,
  billKeys: readonly string[],
  now = new Date(),
): Promise<BillPayer[]> {
  if (billKeys.length === 0) return [];
  const open = await payments
    .find({ 'lines.billKey': { $in: billKeys }, status: { $in: OPEN_CHECKOUT_STATUSES }, expiresAt: { $gt: now } })
    .sort({ createdAt: -1 })
    .lean<Payment[]>()
    .exec();
  const found: BillPayer[] = [];
  for (const key of billKeys) {
    const payment = open.find((p) => p.lines.some((l) => l.billKey === key));
    if (payment) found.push({ billKey: key, paymentId: payment._id, status: payment.status });
  }
  return found;
}
