/**
 * The hub's operator payment answers (hub/api/routes/operator-payment-routes.ts) as the console
 * reads them. Amounts are paise; times are ISO strings (UTC).
 */

/** One line of a payment in the search results. */
export interface OperatorLineJson {
  id: string;
  billerId: string;
  consumerMasked: string;
  amountMinor: number;
  status: string;
  /** The HUB posting reference. */
  reference: string;
}

/** One payment of the search results. */
export interface OperatorPaymentSummaryJson {
  id: string;
  createdAt: string;
  status: string;
  totalMinor: number;
  method?: string;
  citizenSub: string;
  lines: OperatorLineJson[];
  flags?: number;
  complaints?: number;
}

/** GET /operator/payments: newest first; `next` is the cursor of the next page. */
export interface OperatorPaymentListJson {
  payments: OperatorPaymentSummaryJson[];
  next?: string;
}

/** A line in full, as the payment detail shows it. */
export interface OperatorLineDetailJson extends OperatorLineJson {
  billNumber: string;
  attempts: number;
  billerReference?: string;
  billerStatus?: string;
  refundKey?: string;
  enquiries?: number;
  nextAttemptAt?: string;
  changedAt: string;
  failure?: { code?: string; message?: string };
}

/** The payment in full. */
export interface OperatorPaymentJson extends Omit<OperatorPaymentSummaryJson, 'lines'> {
  currency: string;
  updatedAt: string;
  expiresAt: string;
  gateway: { orderId?: string; method?: string; capturedMinor?: number; capturedCurrency?: string };
  hold?: { reason: string; detail: string; at: string };
  supersededBy?: string;
  receipt?: { receiptId?: string; issuedAt?: string; notifiedAt?: string };
  lines: OperatorLineDetailJson[];
}

export interface TimelineEntryJson {
  at: string;
  event: string;
  from?: string;
  to?: string;
  lineId?: string;
  detail?: string;
}

export interface LedgerTransactionJson {
  txnId: string;
  kind: string;
  at: string;
  lineId?: string;
  reverses?: string;
  reason?: string;
  entries: { account: string; debitMinor: number; creditMinor: number }[];
}

export interface AuditEntryJson {
  id: string;
  at: string;
  actor: { sub: string; label?: string };
  action: string;
  subject: { kind: string; id: string };
  reason: string;
  outcome: 'done' | 'refused';
  detail?: string;
}

/** GET /operator/payments/{id}. Other areas may add optional fields (notes, flags, complaints). */
export interface OperatorPaymentDetailJson {
  payment: OperatorPaymentJson;
  timeline: TimelineEntryJson[];
  ledger: LedgerTransactionJson[];
  audit: AuditEntryJson[];
  [more: string]: unknown;
}
