import type { Connection } from '../../../infra/mongo.js';
import type { Demand } from '../../demands/index.js';
import { paymentModel } from '../../payments/payment-model.js';
import { walletTransferClaimModel } from '../../wallet/transfer-claim-model.js';

/** How an instalment was paid, as its provider reconciles it. */
export interface InstalmentPayment {
  /**
   * The payment's number: the hub's payment (PAY…) for a checkout, as on the payer's receipt; the
   * wallet settlement's id (WLT…) for a wallet transfer. Else the id the demand recorded.
   */
  number: string;
  /** checkout: paid through the hub's checkout (card, UPI, net banking); wallet: a transfer the payer reported. */
  method: 'checkout' | 'wallet';
  /** The wallet provider's transaction id, for a wallet transfer. */
  walletTransactionId?: string;
}

/** A payment known only by the id the demand recorded: a wallet settlement's id starts WLT. */
export const recordedPayment = (id: string): InstalmentPayment => ({
  number: id,
  method: id.startsWith('WLT') ? 'wallet' : 'checkout',
});

/** The payments of these demands' paid instalments, by the payment id the demand recorded. */
export type PaymentsById = ReadonlyMap<string, InstalmentPayment>;

/**
 * Looks up how the paid instalments of `demands` were paid, in two reads whatever their number:
 * the demand records a checkout line's posting reference (HUB…, `payments.lines.reference`) or a
 * wallet settlement's id (WLT…, `wallet_transfers.paymentId`, hub/wallet/wallet-ids.ts). A record
 * found in neither (a payment older than these collections) keeps its own id and is a checkout
 * unless its id says wallet.
 */
export async function paymentsOf(conn: Connection, demands: readonly Demand[]): Promise<PaymentsById> {
  const ids = [...new Set(demands.flatMap((d) => d.instalments.flatMap((i) => (i.paymentId ? [i.paymentId] : []))))];
  const found = new Map<string, InstalmentPayment>();
  if (!ids.length) return found;
  const walletIds = ids.filter((id) => id.startsWith('WLT'));
  const lineRefs = ids.filter((id) => !id.startsWith('WLT'));
  const [claims, payments] = await Promise.all([
    walletIds.length
      ? walletTransferClaimModel(conn)
          .find({ paymentId: { $in: walletIds } }, { paymentId: 1, transactionId: 1 })
          .lean<{ paymentId: string; transactionId: string }[]>()
          .exec()
      : [],
    lineRefs.length
      ? paymentModel(conn)
          .find({ 'lines.reference': { $in: lineRefs } }, { _id: 1, 'lines.reference': 1 })
          .lean<{ _id: string; lines: { reference: string }[] }[]>()
          .exec()
      : [],
  ]);
  for (const id of ids) found.set(id, recordedPayment(id));
  for (const claim of claims) {
    found.set(claim.paymentId, { number: claim.paymentId, method: 'wallet', walletTransactionId: claim.transactionId });
  }
  for (const payment of payments) {
    for (const line of payment.lines) {
      if (found.has(line.reference)) found.set(line.reference, { number: payment._id, method: 'checkout' });
    }
  }
  return found;
}
