import { AppError, NotFoundError } from '../../infra/errors.js';
import type { Payment, PaymentLine } from '../payments/payment-model.js';
import type { PaymentStore } from '../payments/payment-store.js';
import { ComplaintNotFoundError, ComplaintStateError } from './complaint-errors.js';
import type { Complaint, ComplaintTimelineEntry } from './complaint-model.js';
import type { ComplaintNotifier } from './complaint-notices.js';
import type { ComplaintStore } from './complaint-store.js';
import { COMPLAINT_TYPE_LABELS, type ComplaintStatus, type ComplaintType } from './complaint-types.js';
import type { ComplaintOptions } from './options.js';
import { type PreCheckDeps, preCheck } from './pre-check.js';

/** A citizen's complaint as raised: a payment, optionally one of its lines, a type, their words. */
export interface RaiseComplaint {
  paymentId: string;
  lineId?: string;
  type: ComplaintType;
  description: string;
}

export interface ComplaintServiceDeps {
  store: ComplaintStore;
  payments: Pick<PaymentStore, 'findById' | 'findForCitizen' | 'model'>;
  /** The pre-check's other readers: reconciliation cases, the enquiry path and its timeout. */
  check: Omit<PreCheckDeps, 'payments'>;
  notify: ComplaintNotifier;
  options: Pick<ComplaintOptions, 'turnaroundMs'>;
  now?: () => Date;
}

const STATUS_OF = { resolved: 'resolved', waiting: 'waiting_for_biller', open: 'open' } as const;

/**
 * The citizen's side of complaints: raise one (pre-checked against the payment's records, so an
 * answer the records already hold is given at once), see their own, rate a closed one once.
 */
export class ComplaintService {
  constructor(private readonly deps: ComplaintServiceDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * Raises a complaint about one of the citizen's payments (a line of it, when `lineId` is given or
   * the payment has one line). A complaint still open for the same subject and type, or raised with
   * the same Idempotency-Key, is returned instead (`created: false`). The promised time is the type's
   * turnaround from now. Throws 404 not_found (no such payment of theirs) or line_not_found.
   */
  async raise(
    citizenSub: string,
    input: RaiseComplaint,
    idempotencyKey?: string,
  ): Promise<{ complaint: Complaint; payment: Payment; created: boolean }> {
    const payment = await this.deps.payments.findForCitizen(input.paymentId, citizenSub);
    if (!payment) throw new NotFoundError('no such payment of yours');
    let line: PaymentLine | undefined;
    if (input.lineId) {
      line = payment.lines.find((l) => l._id === input.lineId);
      if (!line) throw new AppError(404, 'line_not_found', 'this payment has no such line');
    } else if (payment.lines.length === 1) {
      line = payment.lines[0];
    }
    const subject = {
      citizenSub,
      paymentId: payment._id,
      ...(line ? { lineId: line._id } : {}),
      type: input.type,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    };
    const earlier = await this.deps.store.findRaised(subject);
    if (earlier) return { complaint: earlier, payment, created: false };

    const { finding, reconCaseIds, steps } = await preCheck(
      { ...this.deps.check, payments: this.deps.payments },
      payment,
      line,
      input.type,
    );
    const now = this.now();
    const status: ComplaintStatus = STATUS_OF[finding.outcome];
    const timeline: ComplaintTimelineEntry[] = [
      { at: now, event: 'raised', status: 'open', detail: COMPLAINT_TYPE_LABELS[input.type] },
      ...steps.slice(0, -1).map((detail) => ({ at: now, event: 'pre_check', detail })),
      { at: now, event: `pre_check.${finding.outcome}`, status, detail: steps.at(-1) ?? finding.detail },
    ];
    const { complaint, created } = await this.deps.store.create({
      ...subject,
      description: input.description,
      status,
      dueAt: new Date(now.getTime() + this.deps.options.turnaroundMs[input.type]),
      ...(finding.outcome === 'resolved' ? { disposition: finding.disposition } : {}),
      ...(reconCaseIds.length > 0 ? { reconCaseIds } : {}),
      timeline,
    });
    // Answered at once: one message, the answer (it carries the complaint's id); else the receipt of it.
    if (created) await this.deps.notify(complaint, status === 'resolved' ? 'closed' : 'received');
    const current = (await this.deps.payments.findById(payment._id)) ?? payment;
    return { complaint, payment: current, created };
  }

  /** The citizen's own complaint with its payment; 404 complaint_not_found for another's. */
  async getForCitizen(id: string, citizenSub: string): Promise<{ complaint: Complaint; payment: Payment | null }> {
    const complaint = await this.deps.store.findForCitizen(id, citizenSub);
    if (!complaint) throw new ComplaintNotFoundError();
    return { complaint, payment: await this.deps.payments.findById(complaint.paymentId) };
  }

  /** The citizen's complaints, newest first, each with its payment (for the line's summary). */
  async listForCitizen(citizenSub: string): Promise<{ complaint: Complaint; payment: Payment | null }[]> {
    const complaints = await this.deps.store.listForCitizen(citizenSub);
    const ids = [...new Set(complaints.map((c) => c.paymentId))];
    const payments = await this.deps.payments.model
      .find({ _id: { $in: ids }, citizenSub })
      .lean<Payment[]>()
      .exec();
    const byId = new Map(payments.map((p) => [p._id, p]));
    return complaints.map((complaint) => ({ complaint, payment: byId.get(complaint.paymentId) ?? null }));
  }

  /**
   * The citizen's rating of the answer (1..5, a comment), once, and only once the complaint is
   * resolved or rejected. 404 for another's complaint; 409 complaint_not_closed or complaint_already_rated.
   */
  async rate(id: string, citizenSub: string, rating: { score: number; comment?: string }): Promise<Complaint> {
    const rated = await this.deps.store.rate(id, citizenSub, rating, this.now());
    if (rated) return rated;
    const complaint = await this.deps.store.findForCitizen(id, citizenSub);
    if (!complaint) throw new ComplaintNotFoundError();
    if (complaint.rating) throw new ComplaintStateError('complaint_already_rated', 'this complaint is already rated');
    throw new ComplaintStateError('complaint_not_closed', 'a complaint can be rated once it is resolved or rejected');
  }
}
