/**
 * The hub's operator payment answers (hub/api/routes/operator-payment-routes.ts) as the console
 * reads them: the hub's own shapes (hub/operator/payment-detail.ts), under the console's names.
 * Amounts are paise; times are ISO strings (UTC).
 */
import type {
  OperatorAuditView,
  OperatorLedgerView,
  OperatorLineSummary,
  OperatorLineView,
  OperatorPaymentDetail,
  OperatorPaymentSummary,
} from '../../hub/operator/payment-detail.js';

/** One line of a payment in the search results. */
export type OperatorLineJson = OperatorLineSummary;

/** One payment of the search results. */
export type OperatorPaymentSummaryJson = OperatorPaymentSummary;

/** GET /operator/payments: newest first; `next` is the cursor of the next page. */
export interface OperatorPaymentListJson {
  payments: OperatorPaymentSummaryJson[];
  next?: string;
}

/** A line in full, as the payment detail shows it. */
export type OperatorLineDetailJson = OperatorLineView;

/** The payment in full. */
export type OperatorPaymentJson = OperatorPaymentDetail['payment'];

/** One event of the payment's timeline, oldest first. */
export type TimelineEntryJson = OperatorPaymentDetail['timeline'][number];

/** One ledger transaction of the payment. */
export type LedgerTransactionJson = OperatorLedgerView;

/** One operator action on the payment or its lines. */
export type AuditEntryJson = OperatorAuditView;

/** GET /operator/payments/{id}. Other areas may add optional fields (notes, flags, complaints). */
export type OperatorPaymentDetailJson = OperatorPaymentDetail;
