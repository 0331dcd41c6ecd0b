import type { PipelineStage } from 'mongoose';
import type { Payment, PaymentLine } from '../payments/payment-model.js';
import type { PaymentStore } from '../payments/payment-store.js';
import type { ReconCase, ReconStore } from '../reconciliation/recon-store.js';

/** An `unknown` line: the biller's answer was ambiguous; status enquiries and an operator resolve it. */
export interface UnknownItem {
  paymentId: string;
  lineId: string;
  billerId: string;
  consumerMasked: string;
  amountMinor: number;
  reference: string;
  /** When the line became unknown (ISO UTC). */
  since: string;
  /** Whole seconds since then. */
  ageSeconds: number;
  enquiries: number;
  /** The next automatic enquiry (ISO UTC); absent once they stopped (after a day): an operator decides. */
  nextAttemptAt?: string;
}

/** A refund that needs a person: a `held` line (refund refused for good) or a `held` payment (capture mismatch). */
export interface HeldItem {
  kind: 'line' | 'payment';
  paymentId: string;
  lineId?: string;
  billerId?: string;
  consumerMasked?: string;
  /** The line's amount, or for a payment what the gateway captured (in `currency`). */
  amountMinor: number;
  currency: string;
  since: string;
  ageSeconds: number;
  /** Why it is held: the refund's failure code, or the hold's reason (capture_mismatch). */
  reason: string;
  detail?: string;
}

/** An open reconciliation case: a difference between hub, gateway and billers that no rule resolved. */
export interface ReconItem {
  id: string;
  class: string;
  /** The IST day whose run found it. */
  date: string;
  /** What it is about: the line, else the payment, else biller:reference. */
  subject: string;
  paymentId?: string;
  lineId?: string;
  detail: string;
  resolutionError?: string;
  since: string;
  ageSeconds: number;
}

/** One queue: its items, oldest first (at most `limit`), and how many there are in all. */
export interface Queue<T> {
  count: number;
  items: T[];
}

const ageOf = (since: Date, now: Date) => Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000));

type UnwoundLine = Pick<Payment, '_id' | 'currency'> & { line: PaymentLine };

/** Lines of the given status across payments, oldest change first, and their count. */
async function linesIn(
  payments: PaymentStore,
  status: PaymentLine['status'],
  limit: number,
): Promise<{ count: number; rows: UnwoundLine[] }> {
  const base: PipelineStage[] = [
    { $match: { 'lines.status': status } },
    { $unwind: '$lines' },
    { $match: { 'lines.status': status } },
  ];
  const [rows, counted] = await Promise.all([
    payments.model.aggregate<UnwoundLine>([
      ...base,
      { $sort: { 'lines.changedAt': 1, 'lines._id': 1 } },
      { $limit: limit },
      { $project: { _id: 1, currency: 1, line: '$lines' } },
    ]),
    payments.model.aggregate<{ n: number }>([...base, { $group: { _id: null, n: { $sum: 1 } } }]),
  ]);
  return { count: counted[0]?.n ?? 0, rows };
}

/**
 * The operator's three queues, read-only: unknown outcomes, refunds needing a person, and open
 * reconciliation cases. Each is sorted oldest first, since the oldest work has waited longest,
 * and carries the full count even when the items are cut at `limit`.
 */
export class OperatorQueues {
  constructor(
    private readonly payments: PaymentStore,
    private readonly reconStore: ReconStore,
  ) {}

  /** `unknown` lines with their age, enquiries made and next enquiry. */
  async unknown(limit = 100, now = new Date()): Promise<Queue<UnknownItem>> {
    const { count, rows } = await linesIn(this.payments, 'unknown', limit);
    return {
      count,
      items: rows.map(({ _id, line }) => ({
        paymentId: _id,
        lineId: line._id,
        billerId: line.billerId,
        consumerMasked: line.consumerMasked,
        amountMinor: line.amountMinor,
        reference: line.reference,
        since: line.changedAt.toISOString(),
        ageSeconds: ageOf(line.changedAt, now),
        enquiries: line.enquiries ?? 0,
        ...(line.nextAttemptAt ? { nextAttemptAt: line.nextAttemptAt.toISOString() } : {}),
      })),
    };
  }

  /** `held` lines and `held` payments together, oldest first. */
  async held(limit = 100, now = new Date()): Promise<Queue<HeldItem>> {
    const [lines, paymentCount, heldPayments] = await Promise.all([
      linesIn(this.payments, 'held', limit),
      this.payments.model.countDocuments({ status: 'held' }).exec(),
      this.payments.model.find({ status: 'held' }).sort({ 'hold.at': 1, _id: 1 }).limit(limit).lean<Payment[]>().exec(),
    ]);
    const items: HeldItem[] = [
      ...lines.rows.map(({ _id, currency, line }) => ({
        kind: 'line' as const,
        paymentId: _id,
        lineId: line._id,
        billerId: line.billerId,
        consumerMasked: line.consumerMasked,
        amountMinor: line.amountMinor,
        currency,
        since: line.changedAt.toISOString(),
        ageSeconds: ageOf(line.changedAt, now),
        reason: line.failureCode ?? 'refund_held',
        ...(line.failureMessage ? { detail: line.failureMessage } : {}),
      })),
      ...heldPayments.map((p) => {
        const since = p.hold?.at ?? p.updatedAt;
        return {
          kind: 'payment' as const,
          paymentId: p._id,
          amountMinor: p.gateway?.capturedMinor ?? p.totalMinor,
          currency: (p.gateway?.capturedCurrency ?? p.currency).toUpperCase(),
          since: since.toISOString(),
          ageSeconds: ageOf(since, now),
          reason: p.hold?.reason ?? 'held',
          ...(p.hold?.detail ? { detail: p.hold.detail } : {}),
        };
      }),
    ];
    items.sort((a, b) => a.since.localeCompare(b.since));
    return { count: lines.count + paymentCount, items: items.slice(0, limit) };
  }

  /** Open reconciliation cases with their class and subject. */
  async recon(limit = 100, now = new Date()): Promise<Queue<ReconItem>> {
    const [count, cases] = await Promise.all([
      this.reconStore.cases.countDocuments({ status: 'open' }).exec(),
      this.reconStore.cases
        .find({ status: 'open' })
        .sort({ openedAt: 1, _id: 1 })
        .limit(limit)
        .lean<ReconCase[]>()
        .exec(),
    ]);
    return {
      count,
      items: cases.map((c) => ({
        id: c._id,
        class: c.class,
        date: c.date,
        subject: c.lineId ?? c.paymentId ?? `${c.billerId ?? '?'}:${c.reference ?? '?'}`,
        ...(c.paymentId ? { paymentId: c.paymentId } : {}),
        ...(c.lineId ? { lineId: c.lineId } : {}),
        detail: c.detail,
        ...(c.resolutionError ? { resolutionError: c.resolutionError } : {}),
        since: c.openedAt.toISOString(),
        ageSeconds: ageOf(c.openedAt, now),
      })),
    };
  }
}
