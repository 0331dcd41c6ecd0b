import { ConflictError, NotFoundError, ValidationError } from '../../infra/errors.js';
import type { Connection } from '../../infra/mongo.js';
import { todayInIndia } from '../bills/indian-day.js';
import { hashRequest } from '../payments/request-hash.js';
import { type DemandAmendment, planAmendment } from './amend-rules.js';
import { indianDayOf, isCalendarDay } from './calendar-day.js';
import { demandDocument } from './demand-document.js';
import { invalidDemand, PaymentRefusedError } from './demand-errors.js';
import { demandIdForKey, newDemandId } from './demand-ids.js';
import { type Demand, type DemandModel, demandModel } from './demand-model.js';
import { derivedStatus, paidTotal } from './demand-status.js';
import {
  type AuditEntry,
  type DemandPayment,
  type DemandStatus,
  OPEN_DEMAND_STATUSES,
  type Payer,
} from './demand-types.js';
import { validateNewDemand } from './new-demand-rules.js';
import { checkPayment, withPayment } from './payment-rules.js';
import { newReferenceNumber, parseReferenceNumber } from './reference-number.js';

/** A payment to record against a demand. */
export interface DemandPaymentInput {
  /** The hub's posting reference (or another unique payment id): a demand counts each once. */
  paymentId: string;
  /** The instalment numbers it pays: the next ones in order (see payment-rules.ts). */
  instalments: number[];
  /** Paise: exactly what those instalments cost on `day`. */
  amountMinor: number;
  paidAt: Date;
  /** The Indian day whose amounts the payer was charged (the checkout's); default: the day of paidAt. */
  day?: string;
}

/** Who changes a demand and why; the reason goes into the audit trail. */
export interface DemandChangeBy {
  actor: string;
  /** The actor in human terms, for the audit trail (AuditEntry.actorLabel). */
  actorLabel?: string;
  reason: string;
}

/** The audit entry's who: the actor, and its label when known. */
const who = (by: DemandChangeBy) => ({ actor: by.actor, ...(by.actorLabel ? { actorLabel: by.actorLabel } : {}) });

/** A lost race re-reads and tries again; a demand changing this often is a conflict to report. */
const RACE_RETRIES = 5;
/** Reference numbers are 50 random bits: a second collision in a row means something else is wrong. */
/** Rows per insertMany of an upload: bounded so one round trip stays small. */
const UPLOAD_CHUNK = 500;
const REFERENCE_DRAWS = 5;

/**
 * Demands in MongoDB. Every change is one conditional findOneAndUpdate on one demand, guarded by
 * its `version` (bumped by every change) and its status: no lost updates, no transactions.
 * Only live demands (see demand-upload.ts) are found, changed or paid.
 */
export class DemandStore {
  readonly model: DemandModel;
  private readonly drawReference: () => string;

  /** `newReference` replaces the random reference numbers (tests force a collision with it). */
  constructor(conn: Connection, options: { newReference?: () => string } = {}) {
    this.model = demandModel(conn);
    this.drawReference = options.newReference ?? newReferenceNumber;
  }

  /** Builds the indexes; reference numbers rely on the unique one. */
  async init(): Promise<void> {
    await this.model.init();
  }

  /**
   * Validates and creates one live demand (throws ValidationError listing every field error).
   * With an idempotency key the same key creates once: a repeat with the same demand returns it
   * (created: false), with another demand throws ConflictError. `today` (Indian day) is for tests.
   */
  async create(
    input: unknown,
    options: { actor: string; actorLabel?: string; idempotencyKey?: string; today?: string; providerName?: string },
  ): Promise<{ demand: Demand; created: boolean }> {
    const check = validateNewDemand(input, { today: options.today ?? todayInIndia() });
    if (!check.ok) throw invalidDemand(check.errors);
    const key = options.idempotencyKey;
    const requestHash = key ? hashRequest(check.demand) : undefined;
    const result = await this.insert(
      demandDocument(check.demand, {
        _id: key ? demandIdForKey(check.demand.providerId, key) : newDemandId(),
        actor: options.actor,
        ...(options.actorLabel ? { actorLabel: options.actorLabel } : {}),
        at: new Date(),
        live: true,
        ...(options.providerName ? { providerName: options.providerName } : {}),
        ...(requestHash ? { requestHash } : {}),
      }),
    );
    if (!result.created && result.demand.requestHash !== requestHash) {
      throw new ConflictError('idempotency key already used with a different demand', { fields: ['idempotencyKey'] });
    }
    return result;
  }

  /**
   * Inserts a demand document with a fresh reference number, drawing again when the number is
   * taken. A document whose `_id` already exists is not inserted again: it is returned with
   * created: false (how idempotent creates and re-run uploads stay single).
   */
  async insert(
    doc: Omit<Demand, 'reference' | 'createdAt' | 'updatedAt'>,
  ): Promise<{ demand: Demand; created: boolean }> {
    await this.init();
    for (let draw = 0; draw < REFERENCE_DRAWS; draw++) {
      try {
        const created = await this.model.create({ ...doc, reference: this.drawReference() });
        return { demand: created.toObject(), created: true };
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const existing = await this.model.findById(doc._id).lean<Demand>().exec();
        if (existing) return { demand: existing, created: false };
        // Not the id (the local server may not name the index): the reference number was taken.
      }
    }
    throw new Error(`no unused reference number after ${REFERENCE_DRAWS} draws`);
  }

  /**
   * Inserts many new demands (an upload's rows), each once: ids already there (a re-run of the
   * same upload) are skipped, the rest go in chunks of UPLOAD_CHUNK with one insertMany each, a
   * fresh reference number per row. A chunk that meets any conflict (a reference drawn twice, a
   * row a concurrent re-run inserted) is redone row by row through insert(), which draws again or
   * finds the row. Returns how many this call created.
   */
  async insertRows(docs: Omit<Demand, 'reference' | 'createdAt' | 'updatedAt'>[]): Promise<number> {
    await this.init();
    let created = 0;
    for (let from = 0; from < docs.length; from += UPLOAD_CHUNK) {
      const chunk = docs.slice(from, from + UPLOAD_CHUNK);
      const existing = await this.model
        .find({ _id: { $in: chunk.map((doc) => doc._id) } }, { _id: 1 })
        .lean<Pick<Demand, '_id'>[]>()
        .exec();
      const there = new Set(existing.map((doc) => doc._id));
      const fresh = chunk.filter((doc) => !there.has(doc._id));
      if (fresh.length === 0) continue;
      try {
        await this.model.insertMany(
          fresh.map((doc) => ({ ...doc, reference: this.drawReference() })),
          { ordered: true },
        );
        created += fresh.length;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        for (const doc of fresh) created += (await this.insert(doc)).created ? 1 : 0;
      }
    }
    return created;
  }

  /** Any demand by id, live or not: for workers and the upload. */
  findById(id: string): Promise<Demand | null> {
    return this.model.findById(id).lean<Demand>().exec();
  }

  /** A live demand by its reference number as typed (see parseReferenceNumber); null for a typo. */
  findByReference(typed: string): Promise<Demand | null> {
    const reference = parseReferenceNumber(typed);
    if (!reference) return Promise.resolve(null);
    return this.model.findOne({ reference, live: true }).lean<Demand>().exec();
  }

  /** A payer's live demands still to pay (open or partly paid), matched on their phone or email, by due date. */
  listForPayer(payer: Payer): Promise<Demand[]> {
    const match = [
      ...(payer.phone ? [{ 'payer.phone': payer.phone }] : []),
      ...(payer.email ? [{ 'payer.email': payer.email.toLowerCase() }] : []),
    ];
    if (match.length === 0) return Promise.resolve([]);
    return this.model
      .find({ live: true, status: { $in: OPEN_DEMAND_STATUSES }, $or: match })
      .sort({ dueDate: 1, _id: 1 })
      .limit(200)
      .lean<Demand[]>()
      .exec();
  }

  /** A provider's live demands, newest first, optionally of some statuses. */
  listForProvider(
    providerId: string,
    options: { statuses?: DemandStatus[]; limit?: number; before?: Date } = {},
  ): Promise<Demand[]> {
    return this.model
      .find({
        providerId,
        live: true,
        ...(options.statuses ? { status: { $in: options.statuses } } : {}),
        ...(options.before ? { createdAt: { $lt: options.before } } : {}),
      })
      .sort({ createdAt: -1, _id: -1 })
      .limit(options.limit ?? 50)
      .lean<Demand[]>()
      .exec();
  }

  /**
   * Cancels an open or partly paid demand: it can no longer be paid; its open instalments become
   * cancelled, paid ones stay paid. Cancelling a cancelled demand returns it unchanged
   * (changed: false). Throws NotFoundError, ConflictError for a paid demand, ValidationError
   * without a reason.
   */
  async cancel(id: string, by: DemandChangeBy): Promise<{ demand: Demand; changed: boolean }> {
    const reason = requireReason(by);
    const entry: AuditEntry = { at: new Date(), ...who(by), action: 'cancelled', reason, changes: [] };
    const updated = await this.update(
      { _id: id, live: true, status: { $in: OPEN_DEMAND_STATUSES } },
      {
        $set: { status: 'cancelled', 'instalments.$[open].status': 'cancelled' },
        $inc: { version: 1 },
        $push: { audit: { ...entry, changes: [{ path: 'status', after: 'cancelled' }] } },
      },
      [{ 'open.status': 'open' }],
    );
    if (updated) return { demand: updated, changed: true };
    const demand = await this.liveDemand(id);
    if (demand.status === 'cancelled') return { demand, changed: false };
    throw new ConflictError(`a ${demand.status} demand cannot be cancelled`);
  }

  /**
   * Amends a demand by the rules of amend-rules.ts, with an audit entry naming each changed field
   * before and after. With `expectedVersion` (the version the provider's form was made from), a
   * demand changed since is a ConflictError; without, a lost race re-reads and re-applies.
   * Throws ValidationError (field errors), ConflictError (paid or cancelled), NotFoundError.
   */
  async amend(
    id: string,
    amendment: DemandAmendment,
    by: DemandChangeBy & { expectedVersion?: number; today?: string },
  ): Promise<Demand> {
    const reason = requireReason(by);
    for (let attempt = 0; attempt < RACE_RETRIES; attempt++) {
      const demand = await this.liveDemand(id);
      if (by.expectedVersion !== undefined && demand.version !== by.expectedVersion) {
        throw new ConflictError('the demand has changed since it was read', { version: demand.version });
      }
      const plan = planAmendment(demand, amendment, by.today ?? todayInIndia());
      if (!plan.ok) {
        if (plan.errors.some((e) => e.field === 'status'))
          throw new ConflictError(plan.errors[0]?.message ?? 'not amendable');
        throw invalidDemand(plan.errors);
      }
      const entry: AuditEntry = { at: new Date(), ...who(by), action: 'amended', reason, changes: plan.changes };
      const updated = await this.update(
        { _id: id, live: true, version: demand.version, status: { $in: OPEN_DEMAND_STATUSES } },
        {
          $set: plan.set,
          ...(plan.unset.length ? { $unset: Object.fromEntries(plan.unset.map((k) => [k, ''])) } : {}),
          $inc: { version: 1 },
          $push: { audit: entry },
        },
      );
      if (updated) return updated;
    }
    throw new ConflictError('the demand kept changing; try again');
  }

  /**
   * Records a payment of some instalments, once per paymentId: a repeat (or a concurrent duplicate)
   * returns the demand with recorded: false. The payment must pass checkPayment on its day (next
   * instalments in order, exact amount, demand open or partly paid), or PaymentRefusedError; the
   * same paymentId with other instalments or another amount is a ConflictError. The demand's status
   * follows (partly_paid, paid). NotFoundError for no live demand.
   */
  async recordPayment(id: string, payment: DemandPaymentInput): Promise<{ demand: Demand; recorded: boolean }> {
    const day = payment.day ?? indianDayOf(payment.paidAt);
    assertPaymentInput(payment, day);
    for (let attempt = 0; attempt < RACE_RETRIES; attempt++) {
      const demand = await this.liveDemand(id);
      const seen = demand.payments.find((p) => p.paymentId === payment.paymentId);
      if (seen) {
        assertSameRecord(seen, payment);
        return { demand, recorded: false };
      }
      const check = checkPayment(demand, payment, day);
      if (!check.ok) throw new PaymentRefusedError(check.reason, check.message, check.expectedMinor);
      const instalments = withPayment(demand.instalments, check.quotes, payment.paymentId, day);
      const record: DemandPayment = {
        paymentId: payment.paymentId,
        instalments: check.quotes.map((q) => q.number),
        amountMinor: check.totalMinor,
        day,
        at: payment.paidAt,
      };
      const updated = await this.update(
        {
          _id: id,
          live: true,
          version: demand.version,
          status: { $in: OPEN_DEMAND_STATUSES },
          'payments.paymentId': { $ne: payment.paymentId },
        },
        {
          $set: { instalments, status: derivedStatus(instalments), paidMinor: paidTotal(instalments) },
          $inc: { version: 1 },
          $push: { payments: record },
        },
      );
      if (updated) return { demand: updated, recorded: true };
    }
    throw new ConflictError('the demand kept changing; try again');
  }

  private async liveDemand(id: string): Promise<Demand> {
    const demand = await this.model.findOne({ _id: id, live: true }).lean<Demand>().exec();
    if (!demand) throw new NotFoundError('demand not found');
    return demand;
  }

  private update(
    filter: Record<string, unknown>,
    update: Record<string, unknown>,
    arrayFilters?: Record<string, unknown>[],
  ) {
    return this.model
      .findOneAndUpdate(filter as never, update as never, {
        returnDocument: 'after',
        runValidators: true,
        ...(arrayFilters ? { arrayFilters } : {}),
      })
      .lean<Demand>()
      .exec();
  }
}

function requireReason(by: DemandChangeBy): string {
  const reason = by.reason?.trim();
  if (!reason) throw new ValidationError('a reason is required', { fields: ['reason'] });
  if (!by.actor) throw new ValidationError('an actor is required', { fields: ['actor'] });
  return reason;
}

/** A malformed call is a caller's bug, answered as a 400 before anything is read. */
function assertPaymentInput(payment: DemandPaymentInput, day: string): void {
  const fields = [
    ...(typeof payment.paymentId === 'string' && payment.paymentId.length > 0 ? [] : ['paymentId']),
    ...(Array.isArray(payment.instalments) && payment.instalments.every(Number.isSafeInteger) ? [] : ['instalments']),
    ...(Number.isSafeInteger(payment.amountMinor) && payment.amountMinor > 0 ? [] : ['amountMinor']),
    ...(payment.paidAt instanceof Date && !Number.isNaN(payment.paidAt.getTime()) ? [] : ['paidAt']),
    ...(isCalendarDay(day) ? [] : ['day']),
  ];
  if (fields.length) throw new ValidationError(`invalid demand payment: ${fields.join(', ')}`, { fields });
}

/** A repeat of a recorded payment must be the same payment; the same id for other instalments is a conflict. */
function assertSameRecord(seen: DemandPayment, payment: DemandPaymentInput): void {
  const sorted = (list: readonly number[]) => [...list].sort((a, b) => a - b).join();
  if (seen.amountMinor === payment.amountMinor && sorted(seen.instalments) === sorted(payment.instalments)) return;
  throw new ConflictError('this payment id was already recorded for other instalments or another amount', {
    fields: ['paymentId'],
  });
}
