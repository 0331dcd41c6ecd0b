import type { ConsumerRef } from '../../adapters/sdk/contract.js';
import { ConflictError } from '../../infra/errors.js';
import { asDuplicateKeyConflict, type Connection, driverCollection } from '../../infra/mongo.js';
import { HOLDING_REVIEW_STATUSES, type RiskMarks } from '../risk/risk-state.js';
import {
  type AcceptedLine,
  captureAndStartSettling,
  type FoldedMove,
  openWithFlags,
  settleAcceptedLines,
} from './folded-moves.js';
import { newLineId, newPaymentId, newReference } from './ids.js';
import type { Currency } from './money.js';
import {
  billKeyOf,
  type LineBill,
  type Payment,
  type PaymentGateway,
  type PaymentModel,
  paymentModel,
  type TimelineEntry,
} from './payment-model.js';
import {
  asList,
  asValidationError,
  expiryGuard,
  LINE,
  type LineChanges,
  lineSet,
  type PaymentChanges,
  paymentSet,
} from './payment-updates.js';
import {
  assertLineTransition,
  assertPaymentTransition,
  EXPIRABLE_STATUSES,
  FINAL_PAYMENT_STATUSES,
  finalPaymentStatus,
  type LineStatus,
  OPEN_LINE_STATUSES,
  type PaymentStatus,
  paymentStatusesForLineMove,
} from './state-machine.js';
import { classifyStuck, type StuckWork, SWEPT_LINE_STATUSES } from './stuck-work.js';

export type { AcceptedLine, LineChanges, PaymentChanges };

/** How long a created or awaiting_payment payment waits for the citizen to pay. */
export const DEFAULT_PAYMENT_TTL_MS = 30 * 60_000;

export interface NewPaymentLine {
  billerId: string;
  consumer: ConsumerRef;
  consumerMasked: string;
  billNumber: string;
  amountMinor: number;
  /** The bill's facts for the receipt (optional: see PaymentLine.bill). */
  bill?: LineBill;
}

export interface NewPayment {
  citizenSub: string;
  idempotencyKey: string;
  /** See hashRequest: the same key with another body is refused. */
  requestHash: string;
  currency?: Currency;
  lines: readonly NewPaymentLine[];
  ttlMs?: number;
  /** The payer's name for the receipt, when the idp gave one. */
  payerName?: string;
}

export interface CreatedPayment {
  payment: Payment;
  /** false when the idempotency key had already created this payment. */
  created: boolean;
}

export class PaymentStore {
  readonly model: PaymentModel;

  constructor(conn: Connection) {
    this.model = paymentModel(conn);
  }

  /** Builds the indexes; idempotent creates rely on the unique one existing. */
  async init(): Promise<void> {
    await this.model.init();
  }

  /**
   * Creates a payment, once per (citizenSub, idempotencyKey): a repeat with the same request
   * hash gets the first payment back (created: false); with another hash, a ConflictError.
   */
  async create(input: NewPayment): Promise<CreatedPayment> {
    await this.init();
    const now = new Date();
    const amounts = input.lines.map((line) => line.amountMinor);
    // No gateway yet: an empty one is not stored (as mongoose's minimize would not).
    const payment: Omit<Payment, 'createdAt' | 'updatedAt' | 'gateway'> = {
      _id: newPaymentId(),
      citizenSub: input.citizenSub,
      currency: input.currency ?? 'INR',
      // NaN when an amount is not a number, so the schema refuses rather than concatenating.
      totalMinor: amounts.every((a) => typeof a === 'number') ? amounts.reduce((a, b) => a + b, 0) : Number.NaN,
      status: 'created',
      idempotencyKey: input.idempotencyKey,
      requestHash: input.requestHash,
      lines: input.lines.map((line) => ({
        _id: newLineId(),
        billerId: line.billerId,
        consumer: line.consumer,
        consumerMasked: line.consumerMasked,
        billNumber: line.billNumber,
        billKey: billKeyOf(line),
        amountMinor: line.amountMinor,
        reference: newReference(),
        status: 'pending',
        attempts: 0,
        changedAt: now,
        ...(line.bill ? { bill: line.bill } : {}),
      })),
      timeline: [{ at: now, event: 'payment.created', to: 'created' }],
      ...(input.payerName ? { payerName: input.payerName } : {}),
      expiresAt: new Date(now.getTime() + (input.ttlMs ?? DEFAULT_PAYMENT_TTL_MS)),
    };
    // As mongoose's timestamps and version key would (its documents are not built: see insert).
    const stored = { ...payment, createdAt: now, updatedAt: now, __v: 0 };
    try {
      await this.insert(stored);
      return { payment: stored as unknown as Payment, created: true };
    } catch (error) {
      const fields = error instanceof ConflictError ? (error.details?.fields as string[] | undefined) : undefined;
      if (!fields?.includes('idempotencyKey')) throw asValidationError(error);
      return this.replay(input, error as ConflictError);
    }
  }

  /**
   * Inserts a new payment after the schema's validation (Model.validate: casting, enums, required
   * fields, money) without building a mongoose document, which costs several times the insert. The
   * total needs no check here (the schema's pre-validate hook is not run by Model.validate): create
   * computes it from the lines. A taken unique key is a ConflictError naming its fields.
   */
  private async insert(payment: Omit<Payment, 'gateway'> & { __v: number }): Promise<void> {
    await this.model.validate(payment);
    await this.model.insertMany([payment], { lean: true });
  }

  private async replay(input: NewPayment, conflict: ConflictError): Promise<CreatedPayment> {
    const existing = await this.model
      .findOne({ citizenSub: input.citizenSub, idempotencyKey: input.idempotencyKey })
      .lean<Payment>()
      .exec();
    if (!existing) throw conflict;
    if (existing.requestHash !== input.requestHash) {
      throw new ConflictError('idempotency key already used with a different request', {
        fields: ['idempotencyKey'],
      });
    }
    return { payment: existing, created: false };
  }

  /** For workers and operators: no ownership check. */
  findById(id: string): Promise<Payment | null> {
    return this.model.findById(id).lean<Payment>().exec();
  }

  /** A payment as its citizen may see it: another citizen's payment is simply not found. */
  findForCitizen(id: string, citizenSub: string): Promise<Payment | null> {
    return this.model.findOne({ _id: id, citizenSub }).lean<Payment>().exec();
  }

  /** A citizen's payments, newest first. */
  listForCitizen(citizenSub: string, options: { limit?: number; before?: Date } = {}): Promise<Payment[]> {
    const filter = options.before ? { citizenSub, createdAt: { $lt: options.before } } : { citizenSub };
    return this.model
      .find(filter)
      .sort({ createdAt: -1 })
      .limit(options.limit ?? 20)
      .lean<Payment[]>()
      .exec();
  }

  /**
   * Moves a payment from one of `from` to `to` in one conditional update that also appends the
   * timeline entry. Returns the updated payment, or null when it is not (or no longer) in `from`,
   * or the expiry guard refused (awaiting_payment only before expiresAt, expired only after).
   * Throws IllegalTransitionError for a move the state machine does not have. With several
   * sources the timeline entry has no `from`: which one matched is not known inside the update.
   */
  async transitionPayment(
    id: string,
    from: PaymentStatus | readonly PaymentStatus[],
    to: PaymentStatus,
    event: string,
    set?: PaymentChanges,
    detail?: string,
  ): Promise<Payment | null> {
    const fromList = asList(from);
    assertPaymentTransition(fromList, to);
    const now = new Date();
    const entry: TimelineEntry = { at: now, event, to, ...(detail ? { detail } : {}) };
    if (fromList.length === 1) entry.from = fromList[0];
    return this.update(
      { _id: id, status: { $in: fromList }, ...expiryGuard(to, now) },
      { $set: { ...paymentSet(set), status: to }, $push: { timeline: entry } },
    );
  }

  /**
   * `created → awaiting_payment` (event `order_created`) with the gateway order recorded; with
   * `flags` (the checkout's flag-only risk marks, see RiskCheck.checkCheckout) they are written in
   * the same conditional update (openWithFlags). When that update is refused, the plain move is
   * tried, so a payment flagged meanwhile still opens. `payment` is null when the payment is not
   * (or no longer) created or has lapsed; `flagged` says whether `flags` were written.
   */
  async openCheckout(
    id: string,
    gateway: PaymentChanges['gateway'],
    flags?: RiskMarks,
  ): Promise<{ payment: Payment | null; flagged: boolean }> {
    if (flags) {
      const folded = await this.fold(openWithFlags(id, gateway ?? {}, flags, 'order_created', new Date()));
      if (folded) return { payment: folded, flagged: true };
    }
    return {
      payment: await this.transitionPayment(id, 'created', 'awaiting_payment', 'order_created', { gateway }),
      flagged: false,
    };
  }

  /**
   * Moves one line of one payment from one of `from` to `to`, in one conditional update with its
   * timeline entry; the other lines are untouched. Null when the line is not in `from`, or the
   * payment is not in a status that lets lines move (see paymentStatusesForLineMove).
   */
  async transitionLine(
    paymentId: string,
    lineId: string,
    from: LineStatus | readonly LineStatus[],
    to: LineStatus,
    event: string,
    set?: LineChanges,
    detail?: string,
  ): Promise<Payment | null> {
    const fromList = asList(from);
    assertLineTransition(fromList, to);
    const now = new Date();
    const entry: TimelineEntry = { at: now, event, to, lineId, ...(detail ? { detail } : {}) };
    if (fromList.length === 1) entry.from = fromList[0];
    return this.update(
      {
        _id: paymentId,
        status: { $in: paymentStatusesForLineMove(to) },
        lines: { $elemMatch: { _id: lineId, status: { $in: fromList } } },
      },
      {
        $set: { ...lineSet(set), [`lines.$[${LINE}].status`]: to, [`lines.$[${LINE}].changedAt`]: now },
        $push: { timeline: entry },
      },
      { arrayFilters: [{ [`${LINE}._id`]: lineId }] },
    );
  }

  /** Counts a posting attempt; only a line that is posting counts one. */
  recordLineAttempt(paymentId: string, lineId: string): Promise<Payment | null> {
    return this.update(
      { _id: paymentId, lines: { $elemMatch: { _id: lineId, status: 'posting' } } },
      { $inc: { [`lines.$[${LINE}].attempts`]: 1 } },
      { arrayFilters: [{ [`${LINE}._id`]: lineId }] },
    );
  }

  /**
   * `pending → posting` of one line with its posting attempt counted in the same conditional update
   * (the caller posts right after it). Null as transitionLine's.
   */
  startLinePosting(paymentId: string, lineId: string): Promise<Payment | null> {
    assertLineTransition(['pending'], 'posting');
    const now = new Date();
    const entry: TimelineEntry = { at: now, event: 'settlement.posting', from: 'pending', to: 'posting', lineId };
    return this.update(
      {
        _id: paymentId,
        status: { $in: paymentStatusesForLineMove('posting') },
        lines: { $elemMatch: { _id: lineId, status: 'pending' } },
      },
      {
        $set: { [`lines.$[${LINE}].status`]: 'posting', [`lines.$[${LINE}].changedAt`]: now },
        $inc: { [`lines.$[${LINE}].attempts`]: 1 },
        $push: { timeline: entry },
      },
      { arrayFilters: [{ [`${LINE}._id`]: lineId }] },
    );
  }

  /**
   * `captured → settling`, and in the same conditional update every line `payment` shows pending
   * moves to `posting` with its first posting attempt counted (its settle-line job posts it next;
   * see LineRun.firstPostCounted in hub/settlement). One timeline entry for the payment and one per
   * line. The update requires each of those lines to be pending still, so the timeline never claims
   * a move that did not happen; null when the payment is not captured or a line moved meanwhile
   * (the caller then starts settlement with transitionPayment, and the jobs move the lines).
   */
  async startSettling(payment: Pick<Payment, '_id' | 'lines'>, event: string): Promise<Payment | null> {
    assertPaymentTransition(['captured'], 'settling');
    const pending = payment.lines.filter((line) => line.status === 'pending').map((line) => line._id);
    if (pending.length === 0) return this.transitionPayment(payment._id, 'captured', 'settling', event);
    assertLineTransition(['pending'], 'posting');
    const now = new Date();
    const entries: TimelineEntry[] = [
      { at: now, event, from: 'captured', to: 'settling' },
      ...pending.map(
        (lineId): TimelineEntry => ({ at: now, event: 'settlement.posting', from: 'pending', to: 'posting', lineId }),
      ),
    ];
    return this.update(
      {
        _id: payment._id,
        status: 'captured',
        $and: pending.map((lineId) => ({ lines: { $elemMatch: { _id: lineId, status: 'pending' } } })),
      },
      {
        $set: { status: 'settling', [`lines.$[${LINE}].status`]: 'posting', [`lines.$[${LINE}].changedAt`]: now },
        $inc: { [`lines.$[${LINE}].attempts`]: 1 },
        $push: { timeline: { $each: entries } },
      },
      { arrayFilters: [{ [`${LINE}._id`]: { $in: pending }, [`${LINE}.status`]: 'pending' }] },
    );
  }

  /**
   * The on-time capture in one write: `awaiting_payment → captured → settling`, recording `gateway`
   * (what the gateway took) and moving every line `payment` shows pending to `posting` with its first
   * posting attempt counted, with a timeline entry per move (see captureAndStartSettling). The caller
   * has checked first what the two-step path checks between the moves (the bill claims, the risk
   * rules). Null when the payment is no longer awaiting payment, a line moved meanwhile, or no line
   * is pending: the caller then takes the two-step path (transitionPayment, then startSettling).
   */
  async captureAndSettle(
    payment: Pick<Payment, '_id' | 'lines'>,
    gateway: PaymentGateway,
    events: { captured: string; settling: string },
  ): Promise<Payment | null> {
    const move = captureAndStartSettling(payment, gateway, events, new Date());
    return move ? this.fold(move) : null;
  }

  /**
   * The lines their billers accepted, `posting → settled` in one conditional update, and the
   * payment's completion in the same update when that leaves every line final (settleAcceptedLines).
   * `payment` is the payment as read before the posts. Null when the payment is no longer settling
   * or one of those lines is no longer posting (another run moved it). The caller books the ledger
   * movements first when the payment completes here (see settlePayment in hub/settlement).
   */
  settleAccepted(
    payment: Pick<Payment, '_id' | 'status' | 'lines'>,
    accepted: readonly AcceptedLine[],
  ): Promise<Payment | null> {
    return this.fold(settleAcceptedLines(payment, accepted, new Date()));
  }

  /**
   * Once every line is final, moves the payment to its final status. Final line statuses have no
   * way out, so the status read here cannot go stale; the update still re-checks both the payment
   * status and that no line is open. Null when not every line is final or someone else finished it.
   * `known` is the payment as the caller's last transition returned it: its lines are then not read
   * again (a line it shows final is final for good; when it shows one open, the run whose
   * transition closed that line saw every line final and completes the payment itself).
   */
  async settleCompletion(id: string, known?: Pick<Payment, 'status' | 'lines'>): Promise<Payment | null> {
    const payment = known ?? (await this.findById(id));
    const final = payment ? finalPaymentStatus(payment.lines) : null;
    if (!payment || !final) return null;
    // Only a wholly refunded payment can finish straight from captured.
    const from: PaymentStatus[] = final === 'refunded' ? ['captured', 'settling'] : ['settling'];
    // Already finished (a repeated job): no write to find that out.
    if (known && !from.includes(payment.status)) return null;
    assertPaymentTransition(from, final);
    const now = new Date();
    return this.update(
      { _id: id, status: { $in: from }, 'lines.status': { $nin: OPEN_LINE_STATUSES } },
      {
        $set: { status: final },
        $push: { timeline: { at: now, event: `payment.${final}`, to: final } satisfies TimelineEntry },
      },
    );
  }

  /**
   * One page of the work a crash may have left behind, for a sweeper to re-enqueue: captured
   * payments whose settlement never started, open lines of the automatic queue unchanged for
   * `olderThanMs`, and settling payments whose lines are all final. Pages go by payment id
   * (`after` = the last page's `next`), so work that waits for an operator (held lines) or for
   * an enquiry (unknown lines) can never fill the page and hide newer work.
   */
  async findStuck(options: { olderThanMs: number; limit?: number; after?: string }): Promise<StuckWork> {
    const cutoff = new Date(Date.now() - options.olderThanMs);
    const limit = options.limit ?? 100;
    const candidates = await this.model
      .find({
        ...(options.after ? { _id: { $gt: options.after } } : {}),
        $or: [
          // Not one under risk review: an operator starts it (hub/risk).
          { status: 'captured', updatedAt: { $lt: cutoff }, 'risk.review.status': { $nin: HOLDING_REVIEW_STATUSES } },
          {
            status: { $in: ['captured', 'settling'] },
            lines: { $elemMatch: { status: { $in: SWEPT_LINE_STATUSES }, changedAt: { $lt: cutoff } } },
          },
          { status: 'settling', updatedAt: { $lt: cutoff }, 'lines.status': { $nin: OPEN_LINE_STATUSES } },
        ],
      })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<Payment[]>()
      .exec();
    const work = classifyStuck(candidates, cutoff);
    const last = candidates.at(-1);
    if (candidates.length === limit && last) work.next = last._id;
    return work;
  }

  /**
   * One page (by payment id) of payments with an unknown line whose next status enquiry is due
   * at `now`: the status-enquiry job's work list.
   */
  findDueEnquiries(options: { now: Date; limit?: number; after?: string }): Promise<Payment[]> {
    return this.model
      .find({
        ...(options.after ? { _id: { $gt: options.after } } : {}),
        status: { $in: ['captured', 'settling'] },
        lines: { $elemMatch: { status: 'unknown', nextAttemptAt: { $lte: options.now } } },
      })
      .sort({ _id: 1 })
      .limit(options.limit ?? 100)
      .lean<Payment[]>()
      .exec();
  }

  /**
   * Counts one status enquiry of an unknown line and sets when the next one is due (null: no
   * more automatic enquiries; reconciliation and an operator decide). Conditional on the count
   * read before the enquiry, so two enquiries racing count once; null when the line moved on.
   */
  recordEnquiry(paymentId: string, lineId: string, seen: number, next: Date | null): Promise<Payment | null> {
    const field = (name: string) => `lines.$[${LINE}].${name}`;
    return this.update(
      {
        _id: paymentId,
        lines: {
          // A line is moved to unknown with enquiries: 0 (see markUnknown in hub/settlement).
          $elemMatch: { _id: lineId, status: 'unknown', enquiries: seen },
        },
      },
      next
        ? { $set: { [field('enquiries')]: seen + 1, [field('nextAttemptAt')]: next } }
        : { $set: { [field('enquiries')]: seen + 1 }, $unset: { [field('nextAttemptAt')]: '' } },
      { arrayFilters: [{ [`${LINE}._id`]: lineId }] },
    );
  }

  /**
   * One page of final payments changed in [from, to) (`updatedAt`, UTC), in (updatedAt, _id) order,
   * after `after` when given, with only their ids and `updatedAt` sent back: the receipts catch-up's
   * reading (hub/receipts/issue-receipt.ts). Payments whose receipt message is recorded on the
   * payment (told before receipts carried that record) are left out.
   */
  findFinalChanged(options: {
    from: Date;
    to: Date;
    after?: { _id: string; updatedAt: Date };
    limit: number;
  }): Promise<{ _id: string; updatedAt: Date }[]> {
    const { after } = options;
    return this.model
      .find(
        {
          status: { $in: FINAL_PAYMENT_STATUSES },
          // The page's start bounds the index range; the $or only breaks ties on it.
          updatedAt: { $gte: after?.updatedAt ?? options.from, $lt: options.to },
          'receipt.notifiedAt': { $exists: false },
          ...(after
            ? {
                $or: [{ updatedAt: { $gt: after.updatedAt } }, { updatedAt: after.updatedAt, _id: { $gt: after._id } }],
              }
            : {}),
        },
        { _id: 1, updatedAt: 1 },
      )
      .sort({ updatedAt: 1, _id: 1 })
      .limit(options.limit)
      .lean<{ _id: string; updatedAt: Date }[]>()
      .exec();
  }

  /**
   * Of these payments, the final ones whose receipt message is not recorded on the payment: ids and
   * `updatedAt` only (the receipts catch-up's second look at those it found due).
   */
  findFinalByIds(ids: readonly string[]): Promise<{ _id: string; updatedAt: Date }[]> {
    return this.model
      .find(
        { _id: { $in: ids }, status: { $in: FINAL_PAYMENT_STATUSES }, 'receipt.notifiedAt': { $exists: false } },
        { _id: 1, updatedAt: 1 },
      )
      .lean<{ _id: string; updatedAt: Date }[]>()
      .exec();
  }

  /** Payments past their expiresAt still waiting for money: for a sweeper to move to expired. */
  findExpired(options: { limit?: number } = {}): Promise<Payment[]> {
    return this.model
      .find({ status: { $in: EXPIRABLE_STATUSES }, expiresAt: { $lte: new Date() } })
      .limit(options.limit ?? 100)
      .lean<Payment[]>()
      .exec();
  }

  private fold(move: FoldedMove): Promise<Payment | null> {
    return this.update(move.filter, move.update, move.arrayFilters ? { arrayFilters: move.arrayFilters } : {});
  }

  /**
   * One conditional update straight to the driver, returning the payment after it (null when the
   * filter matched nothing). Every filter and update is built in hub/payments from checked moves (the
   * state machine) and checked values (paymentSet, lineSet), so mongoose's casting and update
   * validators, which cost more than the round trip, are not run; `updatedAt` is set here as
   * mongoose's timestamps would (see driverCollection). A duplicate key is a ConflictError.
   */
  private async update(
    filter: Record<string, unknown>,
    update: Record<string, unknown>,
    options: { arrayFilters?: Record<string, unknown>[] } = {},
  ): Promise<Payment | null> {
    const collection = await driverCollection(this.model);
    // $set goes last: a server that applies operators in order (the local one does) must match the
    // arrayFilters of $inc before $set moves the line's status (MongoDB itself matches them once).
    const { $set: given, ...others } = update;
    const $set = { ...(given as Record<string, unknown> | undefined), updatedAt: new Date() };
    try {
      const updated = await collection.findOneAndUpdate(
        filter,
        { ...others, $set },
        { returnDocument: 'after', ...(options.arrayFilters ? { arrayFilters: options.arrayFilters } : {}) },
      );
      return updated as unknown as Payment | null;
    } catch (error) {
      // The driver's error, as mongoose's calls give it (infra/mongo.ts).
      throw asDuplicateKeyConflict(error, this.model.schema);
    }
  }
}
