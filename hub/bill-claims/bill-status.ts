import type { Payment, PaymentLine, PaymentModel, PaymentStatus } from '../payments/index.js';
import { billClaimModel } from './bill-claim-model.js';

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

/** Each bill's claim holder (see BillClaims), read by key: two keyed reads, never a scan of payments. */
async function claimHolders(payments: PaymentModel, billKeys: readonly string[]): Promise<Map<string, Payment>> {
  const claims = await billClaimModel(payments.db)
    .find({ _id: { $in: [...new Set(billKeys)] } })
    .lean()
    .exec();
  if (claims.length === 0) return new Map();
  const holders = await payments
    .find({ _id: { $in: [...new Set(claims.map((c) => c.paymentId))] } })
    .lean<Payment[]>()
    .exec();
  const byId = new Map(holders.map((p) => [p._id, p]));
  const byKey = new Map<string, Payment>();
  for (const claim of claims) {
    const holder = byId.get(claim.paymentId);
    if (holder) byKey.set(claim._id, holder);
  }
  return byKey;
}

/**
 * For each of `billKeys`, a payment other than `exceptId` that pays it (see paysBill): the
 * answer to "was this bill paid already?". A payment that pays a bill always holds its claim
 * (BillClaims moves a claim only away from a payment that does not pay the bill, and a late
 * capture claims its bills again before it settles), so the claims are read, not the payments.
 * Payments stored before bill claims existed need their claims backfilled to be seen here.
 */
export async function findBillPayers(
  payments: PaymentModel,
  billKeys: readonly string[],
  exceptId?: string,
): Promise<BillPayer[]> {
  if (billKeys.length === 0) return [];
  const holders = await claimHolders(payments, billKeys);
  const payers: BillPayer[] = [];
  for (const key of billKeys) {
    const payer = holders.get(key);
    if (payer && payer._id !== exceptId && paysBill(payer, key)) {
      payers.push({ billKey: key, paymentId: payer._id, status: payer.status });
    }
  }
  return payers;
}

/** For each of `billKeys`, the unexpired checkout (created or awaiting payment) that holds its claim. */
export async function findOpenCheckouts(
  payments: PaymentModel,
  billKeys: readonly string[],
  now = new Date(),
): Promise<BillPayer[]> {
  if (billKeys.length === 0) return [];
  const holders = await claimHolders(payments, billKeys);
  const found: BillPayer[] = [];
  for (const key of billKeys) {
    const payment = holders.get(key);
    if (payment && OPEN_CHECKOUT_STATUSES.includes(payment.status) && payment.expiresAt > now) {
      found.push({ billKey: key, paymentId: payment._id, status: payment.status });
    }
  }
  return found;
}
