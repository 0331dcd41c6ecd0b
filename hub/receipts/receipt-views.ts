import { maskBillNumber } from '../bills/consumer-key.js';
import { demandReferenceOf, isDemandLine } from './receipt-demand.js';
import type { Receipt, ReceiptLine, ReceiptRefund } from './receipt-model.js';
import type { ReceiptLineView, ReceiptRefundView, ReceiptView, VerifiedReceipt } from './receipt-view.js';

/**
 * A stored line as shown: bill number masked; breakup and adjustment only where they were recorded.
 * A payment demand's line is named for its provider, shows its reference in full (it is on the
 * demand's own SMS) and has no billing period (a wallet line kept the due date there).
 */
function lineView(line: ReceiptLine): ReceiptLineView {
  const bill = line.bill;
  const demandLine = isDemandLine(line);
  return {
    lineId: line.lineId,
    billerId: line.billerId,
    billerName: line.demand?.providerName ?? line.billerName,
    consumerMasked: demandLine ? (line.demand?.reference ?? demandReferenceOf(line.billNumber)) : line.consumerMasked,
    billNumberMasked: demandLine ? line.billNumber : maskBillNumber(line.billNumber),
    ...(!demandLine && (bill?.periodStart || bill?.periodEnd)
      ? {
          period: {
            ...(bill.periodStart ? { from: bill.periodStart } : {}),
            ...(bill.periodEnd ? { to: bill.periodEnd } : {}),
          },
        }
      : {}),
    breakup: (bill?.breakup ?? []).map(({ label, amountMinor }) => ({ label, amountMinor })),
    ...(bill ? { amountDueMinor: bill.amountDueMinor } : {}),
    ...(bill?.adjustment
      ? { adjustment: { kind: bill.adjustment.kind, amountMinor: bill.adjustment.amountMinor } }
      : {}),
    amountMinor: line.amountMinor,
    reference: line.reference,
    ...(line.billerReference ? { billerReference: line.billerReference } : {}),
    status: line.status,
    ...(line.demand ? { demand: line.demand } : {}),
  };
}

/** A receipt issued before refunds were recorded: its refunded lines, without time or key. */
function refundsOf(receipt: Receipt): ReceiptRefund[] {
  return (
    receipt.refunds ??
    receipt.lines
      .filter((line) => line.status === 'refunded')
      .map((line) => ({ lineId: line.lineId, amountMinor: line.amountMinor, status: 'refunded' }))
  );
}

/**
 * A stored receipt as the citizen sees it (API JSON, portal page, PDF). `payerName` falls back to
 * the viewer's own name from their token for receipts issued before names were kept (only the
 * payer may view their receipt). `verifyUrl` carries the signed token.
 */
export function receiptView(receipt: Receipt, verifyUrl: string, viewerName?: string): ReceiptView {
  const payerName = receipt.payerName ?? viewerName;
  return {
    receiptNumber: receipt._id,
    paymentId: receipt.paymentId,
    status: receipt.status,
    ...(payerName ? { payerName } : {}),
    paidAt: receipt.paidAt,
    issuedAt: receipt.issuedAt,
    ...(receipt.method ? { method: receipt.method } : {}),
    ...(receipt.gatewayReference ? { gatewayReference: receipt.gatewayReference } : {}),
    currency: receipt.currency,
    totalMinor: receipt.totalMinor,
    settledMinor: receipt.settledMinor,
    refundedMinor: receipt.refundedMinor,
    lines: receipt.lines.map(lineView),
    refunds: refundsOf(receipt).map(
      (refund): ReceiptRefundView => ({
        ...(refund.lineId ? { lineId: refund.lineId } : {}),
        amountMinor: refund.amountMinor,
        ...(refund.reference ? { reference: refund.reference } : {}),
        ...(refund.at ? { at: refund.at } : {}),
        status: refund.status,
      }),
    ),
    verifyUrl,
  };
}

/** What the public verification answer shows of a genuine receipt: no name, no citizen id, masked numbers. */
export function verifiedView(receipt: Receipt): VerifiedReceipt {
  return {
    receiptNumber: receipt._id,
    paymentId: receipt.paymentId,
    paidAt: receipt.paidAt,
    currency: receipt.currency,
    totalMinor: receipt.totalMinor,
    status: receipt.status,
    lines: receipt.lines.map((line) => ({
      billerName: line.billerName,
      consumerMasked: line.consumerMasked,
      amountMinor: line.amountMinor,
      ...(line.billerReference ? { billerReference: line.billerReference } : {}),
      status: line.status,
    })),
  };
}
