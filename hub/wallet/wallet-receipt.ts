import { ConflictError } from '../../infra/errors.js';
import type { Connection } from '../../infra/mongo.js';
import type { Demand } from '../demands/index.js';
import { receiptDemandOf } from '../receipts/receipt-demand.js';
import { type Receipt, receiptModel } from '../receipts/receipt-model.js';

/** What a wallet-paid demand's receipt is made of: the settled claim's facts. Paise. */
export interface WalletReceiptFacts {
  paymentId: string;
  citizenSub: string;
  transactionId: string;
  paidAt: Date;
  /** The instalment numbers the transfer paid. */
  instalments: readonly number[];
}

/**
 * Issues the receipt of a demand paid by a wallet transfer, in the same `receipts` collection and
 * shape as a checkout's (receipt number RCT + the payment id's tail; the unique payment id makes a
 * second call return the first receipt), so the citizen's receipt view and the public QR
 * verification (ReceiptService) work unchanged. Method `wallet`; the wallet's transaction id is the
 * payment reference; one line per instalment, with its late fee or early discount.
 */
export async function issueWalletReceipt(
  conn: Connection,
  demand: Demand,
  facts: WalletReceiptFacts,
): Promise<Receipt> {
  const model = receiptModel(conn);
  const paid = demand.instalments.filter(
    (i) => facts.instalments.includes(i.number) && i.paymentId === facts.paymentId,
  );
  if (paid.length !== facts.instalments.length) {
    throw new ConflictError(`demand ${demand.reference} does not show payment ${facts.paymentId} on every instalment`);
  }
  const total = paid.reduce((sum, i) => sum + i.paidMinor, 0);
  const receipt: Receipt = {
    _id: `RCT${facts.paymentId.slice(3)}`,
    paymentId: facts.paymentId,
    citizenSub: facts.citizenSub,
    status: 'completed',
    method: 'wallet',
    gatewayReference: facts.transactionId,
    currency: demand.currency,
    totalMinor: total,
    settledMinor: total,
    refundedMinor: 0,
    lines: paid.map((i) => {
      const adjustment =
        (i.lateFeeMinor ?? 0) > 0
          ? { kind: 'late_fee' as const, amountMinor: i.lateFeeMinor ?? 0 }
          : (i.discountMinor ?? 0) > 0
            ? { kind: 'rebate' as const, amountMinor: -(i.discountMinor ?? 0) }
            : undefined;
      return {
        lineId: `${facts.paymentId}-${i.number}`,
        billerId: `demand:${demand.providerId}`,
        billerName: demand.title,
        consumerMasked: demand.reference,
        billNumber: `${demand.reference}/${i.number}`,
        amountMinor: i.paidMinor,
        reference: facts.paymentId,
        // The demand's own reference, as a checkout's line has it; the transaction id is the method's.
        billerReference: `${demand.reference}/${i.number}`,
        status: 'settled',
        demand: receiptDemandOf(demand, [i.number]),
        bill: {
          periodEnd: i.dueDate,
          amountDueMinor: i.amountMinor,
          breakup: [{ label: `Instalment ${i.number} of ${demand.instalments.length}`, amountMinor: i.amountMinor }],
          ...(adjustment ? { adjustment } : {}),
        },
      };
    }),
    refunds: [],
    paidAt: facts.paidAt,
    issuedAt: new Date(),
  };
  try {
    return (await model.create(receipt)).toObject() as Receipt;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const first = await model.findOne({ paymentId: facts.paymentId }).lean<Receipt>().exec();
    if (!first) throw error;
    return first;
  }
}
