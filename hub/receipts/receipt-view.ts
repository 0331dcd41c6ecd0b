import type { ReceiptDemand } from './receipt-demand.js';

/**
 * What a receipt shows, in one shape for the API's JSON, the portal's HTML page and the PDF.
 * Amounts are integer minor units (paise for INR); times are UTC instants, shown in IST.
 * Consumer and bill numbers are masked: a bill number may embed the consumer number.
 */
export interface ReceiptView {
  /** The receipt number citizens quote: RCT + the payment id's tail. */
  receiptNumber: string;
  paymentId: string;
  /** The payment's status when the receipt was issued (completed, partially_refunded, refunded). */
  status: string;
  /** The payer's name as the idp holds it, when it does. */
  payerName?: string;
  paidAt: Date;
  issuedAt: Date;
  /** How the citizen paid (upi, card, netbanking), as the gateway reported it. */
  method?: string;
  /** The gateway's reference for the capture (order or payment id); for method `wallet`, the wallet's transaction id. */
  gatewayReference?: string;
  currency: string;
  totalMinor: number;
  settledMinor: number;
  refundedMinor: number;
  lines: ReceiptLineView[];
  refunds: ReceiptRefundView[];
  /** The public URL whose signed token proves this receipt (`<hub>/verify?t=...`). */
  verifyUrl: string;
}

/** One bill on a receipt. */
export interface ReceiptLineView {
  lineId: string;
  billerId: string;
  billerName: string;
  consumerMasked: string;
  billNumberMasked: string;
  /** The billing period as the biller gave it (ISO dates, IST calendar days). */
  period?: { from?: string; to?: string };
  /** The bill's charges and taxes as the biller itemised them; they add up to the amount due. */
  breakup: { label: string; amountMinor: number }[];
  /** The bill's plain amount due before any rebate or late fee, when it was recorded (added field). */
  amountDueMinor?: number;
  /** An early-payment rebate (negative) or a late fee (positive) applied on the day paid. */
  adjustment?: { kind: 'rebate' | 'late_fee'; amountMinor: number };
  amountMinor: number;
  /** The hub's reference sent to the biller with the payment posting. */
  reference: string;
  billerReference?: string;
  status: string;
  /**
   * Issue 11: the payment demand the line paid. Its reference and bill number are shown in full
   * (printed on the demand's own SMS, not a secret), and it has no billing period.
   */
  demand?: ReceiptDemand;
}

/** A refund of one line, as recorded; without `lineId`, a held payment's whole capture. */
export interface ReceiptRefundView {
  lineId?: string;
  amountMinor: number;
  reference?: string;
  at?: Date;
  status: string;
}

/** What the public verification page may show of a genuine receipt: no names, masked numbers. */
export interface VerifiedReceipt {
  receiptNumber: string;
  paymentId: string;
  paidAt: Date;
  currency: string;
  totalMinor: number;
  status: string;
  lines: Pick<ReceiptLineView, 'billerName' | 'consumerMasked' | 'amountMinor' | 'billerReference' | 'status'>[];
}
