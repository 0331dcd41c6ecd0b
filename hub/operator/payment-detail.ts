import type { Connection } from '../../infra/mongo.js';
import { type LedgerModel, type LedgerTransaction, ledgerModel } from '../ledger/ledger-model.js';
import { DeliveryStore } from '../notifications/delivery-store.js';
import { confirmationKey, deliveryKeys } from '../notifications/events.js';
import { type Payment, type PaymentLine, type PaymentModel, paymentModel } from '../payments/payment-model.js';
import { type Receipt, type ReceiptModel, receiptModel } from '../receipts/receipt-model.js';
import { type AuditEntry, OperatorAudit } from './audit-log.js';

/** A payment line as the search lists it. */
export interface OperatorLineSummary {
  id: string;
  billerId: string;
  consumerMasked: string;
  amountMinor: number;
  status: string;
  /** The HUB posting reference. */
  reference: string;
}

/** A payment line as operators see it (all of it but the raw consumer values; failure as one object). */
export interface OperatorLineView extends OperatorLineSummary {
  billNumber: string;
  billerReference?: string;
  billerStatus?: string;
  attempts: number;
  refundKey?: string;
  enquiries?: number;
  nextAttemptAt?: string;
  changedAt: string;
  failure?: { code?: string; message?: string };
}

/** A payment as the search lists it: what tells one payment from another at a glance. */
export interface OperatorPaymentSummary {
  id: string;
  createdAt: string;
  status: string;
  totalMinor: number;
  method?: string;
  citizenSub: string;
  lines: OperatorLineSummary[];
  flags?: number;
  complaints?: number;
}

/** One ledger transaction of the payment, oldest first: its entries in paise. */
export interface OperatorLedgerView {
  txnId: string;
  kind: string;
  at: string;
  lineId?: string;
  reverses?: string;
  reason?: string;
  entries: { account: string; debitMinor: number; creditMinor: number }[];
}

/** One operator action on the payment or its lines (hub/operator/audit-log.ts), newest first. */
export interface OperatorAuditView {
  id: string;
  at: string;
  actor: { sub: string; label?: string };
  action: string;
  subject: { kind: string; id: string };
  reason: string;
  outcome: 'done' | 'refused';
  detail?: string;
}

/**
 * GET /operator/payments/{id}: the payment in full, its timeline (oldest first), its ledger
 * transactions (oldest first, read only) and the operators' actions on it (newest first). Other
 * areas add optional fields through PaymentDetailEnricher (notes, flags, complaints).
 */
export interface OperatorPaymentDetail {
  payment: OperatorPaymentSummary & {
    currency: string;
    updatedAt: string;
    expiresAt: string;
    gateway: { orderId?: string; method?: string; capturedMinor?: number; capturedCurrency?: string };
    hold?: { reason: string; detail: string; at: string };
    supersededBy?: string;
    receipt?: { receiptId?: string; issuedAt?: string; notifiedAt?: string };
    lines: OperatorLineView[];
  };
  timeline: { at: string; event: string; from?: string; to?: string; lineId?: string; detail?: string }[];
  ledger: OperatorLedgerView[];
  audit: OperatorAuditView[];
  [more: string]: unknown;
}

/**
 * Adds optional fields to a payment's detail (another area's: its notes, risk flags, complaints).
 * Gets the stored payment; answers the fields to merge in (never `payment`, `timeline`, `ledger` or `audit`).
 */
export type PaymentDetailEnricher = (payment: Payment) => Promise<Record<string, unknown>>;

const iso = (date: Date | undefined) => date?.toISOString();
/** Leaves out undefined fields, so the JSON holds only what is known. */
const defined = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/**
 * What tells one line from another at a glance, for operators' lists (the payment search here,
 * hub/risk's flagged queue): the consumer number masked, the amount in paise, the status.
 */
export function lineAtAGlance(line: PaymentLine): Omit<OperatorLineSummary, 'reference'> {
  return {
    id: line._id,
    billerId: line.billerId,
    consumerMasked: line.consumerMasked,
    amountMinor: line.amountMinor,
    status: line.status,
  };
}

/** The search's view of a payment. */
export function paymentSummaryOf(payment: Payment): OperatorPaymentSummary {
  return defined({
    id: payment._id,
    createdAt: payment.createdAt.toISOString(),
    status: payment.status,
    totalMinor: payment.totalMinor,
    method: payment.gateway?.method,
    citizenSub: payment.citizenSub,
    lines: payment.lines.map((line) => ({ ...lineAtAGlance(line), reference: line.reference })),
    // How many risk flags the payment carries (hub/risk), when any.
    flags: payment.risk?.flags.length || undefined,
  });
}

function lineOf(line: PaymentLine): OperatorLineView {
  const failure =
    line.failureCode || line.failureMessage
      ? defined({ code: line.failureCode, message: line.failureMessage })
      : undefined;
  return defined({
    id: line._id,
    billerId: line.billerId,
    consumerMasked: line.consumerMasked,
    billNumber: line.billNumber,
    amountMinor: line.amountMinor,
    status: line.status,
    reference: line.reference,
    billerReference: line.billerReference,
    billerStatus: line.billerStatus,
    attempts: line.attempts,
    refundKey: line.refundKey,
    enquiries: line.enquiries,
    nextAttemptAt: iso(line.nextAttemptAt),
    changedAt: line.changedAt.toISOString(),
    failure,
  });
}

function ledgerOf(txn: LedgerTransaction): OperatorLedgerView {
  return defined({
    txnId: txn._id,
    kind: txn.kind,
    at: txn.createdAt.toISOString(),
    lineId: txn.lineId,
    reverses: txn.reverses,
    reason: txn.reason,
    entries: txn.entries.map(({ account, debitMinor, creditMinor }) => ({ account, debitMinor, creditMinor })),
  });
}

function auditOf(entry: AuditEntry): OperatorAuditView {
  return defined({
    id: entry._id,
    at: entry.at.toISOString(),
    actor: defined({ sub: entry.actor.sub, label: entry.actor.label }),
    action: entry.action,
    subject: { kind: entry.subject.kind, id: entry.subject.id },
    reason: entry.reason,
    outcome: entry.outcome,
    detail: entry.detail,
  });
}

/** Reads one payment with its ledger transactions and audit entries for operators (read only). */
export class PaymentDetails {
  private readonly payments: PaymentModel;
  private readonly ledger: LedgerModel;
  private readonly receipts: ReceiptModel;
  private readonly deliveries: DeliveryStore;
  private readonly audit: OperatorAudit;

  constructor(
    conn: Connection,
    private readonly enrichers: readonly PaymentDetailEnricher[] = [],
  ) {
    this.payments = paymentModel(conn);
    this.ledger = ledgerModel(conn);
    this.receipts = receiptModel(conn);
    this.deliveries = new DeliveryStore(conn);
    this.audit = new OperatorAudit(conn);
  }

  /**
   * The payment's stored receipt: its number, when it was issued, and `notifiedAt`, when its message
   * was recorded (its first `payment_confirmed` delivery; the receipt's own `notifiedAt` when nobody
   * was there to tell, or the payment's as the issue-receipt job once kept it; whether a message was
   * sent is its delivery's). Undefined when none is stored.
   */
  private async receiptOf(payment: Payment): Promise<OperatorPaymentDetail['payment']['receipt']> {
    const receipt = await this.receipts
      .findOne({ paymentId: payment._id }, { _id: 1, issuedAt: 1, notifiedAt: 1 })
      .lean<Pick<Receipt, '_id' | 'issuedAt' | 'notifiedAt'>>()
      .exec();
    if (!receipt) return undefined;
    const told =
      receipt.notifiedAt ??
      payment.receipt?.notifiedAt ??
      (await this.deliveries.firstRecordedAt(deliveryKeys(confirmationKey(receipt._id))));
    return defined({ receiptId: receipt._id, issuedAt: iso(receipt.issuedAt), notifiedAt: iso(told) });
  }

  /** The payment's detail; undefined when no payment has this id. At most 200 audit entries, newest first. */
  async find(paymentId: string): Promise<OperatorPaymentDetail | undefined> {
    const payment = await this.payments.findById(paymentId).lean<Payment>().exec();
    if (!payment) return undefined;
    const [receipt, transactions, audit, ...extras] = await Promise.all([
      this.receiptOf(payment),
      this.ledger.find({ paymentId }).sort({ seq: 1 }).lean<LedgerTransaction[]>().exec(),
      this.audit.list({ paymentId, limit: 200 }),
      ...this.enrichers.map((enrich) => enrich(payment)),
    ]);
    const summary = paymentSummaryOf(payment);
    return {
      ...Object.assign({}, ...extras),
      payment: defined({
        ...summary,
        currency: payment.currency,
        updatedAt: payment.updatedAt.toISOString(),
        expiresAt: payment.expiresAt.toISOString(),
        gateway: defined({
          orderId: payment.gateway?.orderId,
          method: payment.gateway?.method,
          capturedMinor: payment.gateway?.capturedMinor,
          capturedCurrency: payment.gateway?.capturedCurrency,
        }),
        hold: payment.hold ? { ...payment.hold, at: payment.hold.at.toISOString() } : undefined,
        supersededBy: payment.supersededBy,
        receipt,
        lines: payment.lines.map(lineOf),
      }),
      timeline: payment.timeline.map((entry) => defined({ ...entry, at: entry.at.toISOString() })),
      ledger: transactions.map(ledgerOf),
      audit: (audit as AuditEntry[]).map(auditOf),
    };
  }
}
