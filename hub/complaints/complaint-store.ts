import type { UpdateQuery } from 'mongoose';
import { ConflictError } from '../../infra/errors.js';
import { type Connection, isDuplicateKeyError } from '../../infra/mongo.js';
import {
  type Complaint,
  type ComplaintActor,
  type ComplaintModel,
  type ComplaintTimelineEntry,
  complaintModel,
  type Disposition,
} from './complaint-model.js';
import {
  CLOSED_COMPLAINT_STATUSES,
  type ComplaintStatus,
  type ComplaintType,
  complaintStatusesInto,
  newComplaintId,
  OPEN_COMPLAINT_STATUSES,
} from './complaint-types.js';

/** A complaint as raised, before the store gives it an id and its keys (openKey, requestKey). */
export interface NewComplaint
  extends Pick<
    Complaint,
    | 'citizenSub'
    | 'paymentId'
    | 'lineId'
    | 'type'
    | 'description'
    | 'status'
    | 'dueAt'
    | 'disposition'
    | 'reconCaseIds'
    | 'timeline'
  > {
  /** The raise's Idempotency-Key, when the client sent one. */
  idempotencyKey?: string;
}

/** What a move sets besides the status: owner, disposition, and the timeline entry it appends. */
export interface ComplaintChange {
  entry: Omit<ComplaintTimelineEntry, 'at' | 'status'>;
  owner?: ComplaintActor | null;
  disposition?: Disposition;
  /** Sets a new promised time (an operator's status change keeps the old one). */
  dueAt?: Date;
}

/** Operator queue filters; newest due first is least useful, so oldest due first. */
export interface ComplaintQuery {
  status?: ComplaintStatus;
  type?: ComplaintType;
  /** Only complaints not closed whose due time has passed (at `now`): the escalation job's query. */
  overdue?: boolean;
  /**
   * Only complaints not closed that missed their first promised time: past their due time, or
   * escalated (escalation renews the due time). The operators' "overdue" filter.
   */
  breached?: boolean;
  now?: Date;
  /** At most 200; default 50. */
  limit?: number;
  /** The last id of the previous page (id order: the jobs' paging). */
  after?: string;
  /**
   * The operators' order: nearest promised time first (then by id), so the complaint closest to
   * breaching its turnaround is at the top; `afterDue` is the last row of the previous page.
   */
  byDue?: boolean;
  afterDue?: { dueAt: Date; id: string };
  paymentId?: string;
}

/** The key that keeps one complaint open per subject (line, else payment) and type. */
export const openKeyOf = (c: { paymentId: string; lineId?: string; type: ComplaintType }) =>
  `${c.lineId ?? c.paymentId}|${c.type}`;

/**
 * The complaints collection. Every change is one conditional update of one document (the status
 * it must be in is part of the filter), so two operators, or an operator and a job, never both
 * apply a move: the second finds nothing and gets null.
 */
export class ComplaintStore {
  readonly model: ComplaintModel;

  constructor(conn: Connection) {
    this.model = complaintModel(conn);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  /**
   * Stores a new complaint, unless one for the same subject and type is still open, or the same
   * Idempotency-Key raised one: then returns that one, with `created: false`.
   */
  async create(input: NewComplaint): Promise<{ complaint: Complaint; created: boolean }> {
    const id = newComplaintId();
    const { idempotencyKey, ...fields } = input;
    const openKey = openKeyOf(input);
    const closed = CLOSED_COMPLAINT_STATUSES.includes(input.status);
    const requestKey = idempotencyKey ? `${input.citizenSub}|${idempotencyKey}` : id;
    const replay = async () => {
      const sameRequest = idempotencyKey ? await this.model.findOne({ requestKey }).lean<Complaint>() : null;
      if (sameRequest) return sameRequest;
      const open = await this.model.findOne({ openKey }).lean<Complaint>();
      // Closed, but its key not yet freed (a crash between the two updates): free it, raise anew.
      if (open && CLOSED_COMPLAINT_STATUSES.includes(open.status)) {
        await this.freeOpenKey(open);
        return null;
      }
      return open;
    };
    const earlier = await replay();
    if (earlier) return { complaint: earlier, created: false };
    try {
      const doc = await this.model.create({
        ...fields,
        _id: id,
        openKey: closed ? `${openKey}|closed|${id}` : openKey,
        requestKey,
        ...(closed ? { closedAt: new Date() } : {}),
      });
      return { complaint: doc.toObject(), created: true };
    } catch (error) {
      // The connection turns E11000 into a ConflictError (infra/mongo.ts); either means a racing raise won.
      if (!isDuplicateKeyError(error) && !(error instanceof ConflictError)) throw error;
      const winner = await replay();
      if (!winner) throw error;
      return { complaint: winner, created: false };
    }
  }

  /**
   * The complaint a raise would repeat: the one the same Idempotency-Key raised, else the one still
   * open for the same subject and type; null when there is none.
   */
  async findRaised(input: Pick<NewComplaint, 'citizenSub' | 'paymentId' | 'lineId' | 'type' | 'idempotencyKey'>) {
    if (input.idempotencyKey) {
      const same = await this.model
        .findOne({ requestKey: `${input.citizenSub}|${input.idempotencyKey}` })
        .lean<Complaint>()
        .exec();
      if (same) return same;
    }
    const open = await this.model
      .findOne({ openKey: openKeyOf(input) })
      .lean<Complaint>()
      .exec();
    return open && !CLOSED_COMPLAINT_STATUSES.includes(open.status) ? open : null;
  }

  /** Gives a complaint still in `status` a new owner without moving it (a reassignment). */
  setOwner(
    id: string,
    status: ComplaintStatus,
    owner: ComplaintActor,
    entry: ComplaintChange['entry'],
    now = new Date(),
  ) {
    return this.model
      .findOneAndUpdate(
        { _id: id, status },
        { $set: { owner }, $push: { timeline: { ...entry, at: now, status } } },
        { returnDocument: 'after', runValidators: true },
      )
      .lean<Complaint>()
      .exec();
  }

  findById(id: string): Promise<Complaint | null> {
    return this.model.findById(id).lean<Complaint>().exec();
  }

  /** The citizen's own complaint, or null (someone else's is as unknown as a missing one). */
  findForCitizen(id: string, citizenSub: string): Promise<Complaint | null> {
    return this.model.findOne({ _id: id, citizenSub }).lean<Complaint>().exec();
  }

  /** The citizen's complaints, newest first (at most 100). */
  listForCitizen(citizenSub: string, limit = 100): Promise<Complaint[]> {
    return this.model.find({ citizenSub }).sort({ createdAt: -1 }).limit(limit).lean<Complaint[]>().exec();
  }

  /** The complaints matching the filters, a page at a time: by id after `after`, or with `byDue` by promised time after `afterDue`. */
  list(query: ComplaintQuery = {}): Promise<Complaint[]> {
    const filter: Record<string, unknown> = {};
    if (query.status) filter.status = query.status;
    if (query.type) filter.type = query.type;
    if (query.paymentId) filter.paymentId = query.paymentId;
    if (query.overdue) {
      filter.dueAt = { $lte: query.now ?? new Date() };
      if (!query.status) filter.status = { $in: OPEN_COMPLAINT_STATUSES };
    }
    const and: Record<string, unknown>[] = [];
    if (query.breached) {
      if (!query.status) filter.status = { $in: OPEN_COMPLAINT_STATUSES };
      and.push({ $or: [{ dueAt: { $lte: query.now ?? new Date() } }, { 'escalation.level': { $gte: 1 } }] });
    }
    if (query.after) filter._id = { $gt: query.after };
    if (query.afterDue) {
      const { dueAt, id } = query.afterDue;
      and.push({ $or: [{ dueAt: { $gt: dueAt } }, { dueAt, _id: { $gt: id } }] });
    }
    if (and.length) filter.$and = and;
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
    const order: Record<string, 1> = query.byDue ? { dueAt: 1, _id: 1 } : { _id: 1 };
    return this.model.find(filter).sort(order).limit(limit).lean<Complaint[]>().exec();
  }

  /**
   * Moves a complaint from one of `from` to `to` (only moves COMPLAINT_TRANSITIONS has), with its
   * timeline entry, in one conditional update. Closing frees its subject's open key and sets
   * closedAt. Null when the complaint is not (or no longer) in one of `from`.
   */
  async transition(
    id: string,
    from: readonly ComplaintStatus[],
    to: ComplaintStatus,
    change: ComplaintChange,
    now = new Date(),
  ): Promise<Complaint | null> {
    const allowed = from.filter((status) => complaintStatusesInto(to).includes(status));
    if (allowed.length === 0) return null;
    const set: Record<string, unknown> = { status: to };
    const unset: Record<string, 1> = {};
    if (change.owner) set.owner = change.owner;
    if (change.owner === null) unset.owner = 1;
    if (change.disposition) set.disposition = change.disposition;
    if (change.dueAt) set.dueAt = change.dueAt;
    if (CLOSED_COMPLAINT_STATUSES.includes(to)) set.closedAt = now;
    const update: UpdateQuery<Complaint> = {
      $set: set,
      $push: { timeline: { ...change.entry, at: now, status: to } },
      ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
    };
    const moved = await this.model
      .findOneAndUpdate({ _id: id, status: { $in: allowed } }, update, { returnDocument: 'after', runValidators: true })
      .lean<Complaint>()
      .exec();
    if (moved && CLOSED_COMPLAINT_STATUSES.includes(to)) {
      // A second conditional update on the same document: the closed key frees the subject for a
      // new complaint. Should it not happen (a crash), the next raise for the subject frees it.
      await this.freeOpenKey(moved);
    }
    return moved;
  }

  /** Marks the open key of a closed complaint closed, so its subject may be complained about again. */
  async freeOpenKey(complaint: Pick<Complaint, '_id' | 'openKey'>): Promise<void> {
    if (complaint.openKey.includes('|closed|')) return;
    await this.model
      .updateOne(
        { _id: complaint._id, status: { $in: CLOSED_COMPLAINT_STATUSES }, openKey: complaint.openKey },
        { $set: { openKey: `${complaint.openKey}|closed|${complaint._id}` } },
      )
      .exec();
  }

  /** Appends a timeline entry without a change of status (a note of what a re-check found). */
  note(id: string, entry: Omit<ComplaintTimelineEntry, 'at'>, now = new Date()): Promise<Complaint | null> {
    return this.model
      .findOneAndUpdate({ _id: id }, { $push: { timeline: { ...entry, at: now } } }, { returnDocument: 'after' })
      .lean<Complaint>()
      .exec();
  }

  /** Sets the owner of a complaint still in `from`, moving it to assigned; null when it moved on. */
  assign(id: string, from: readonly ComplaintStatus[], owner: ComplaintActor, entry: ComplaintChange['entry']) {
    return this.transition(id, from, 'assigned', { entry, owner });
  }

  /**
   * Escalates a complaint still not closed whose due time has passed (at `now`): status escalated,
   * the next level, a new due time. The owner is kept: the escalated queue is where a supervisor
   * reassigns it, and the work already done is not lost. Null when it was closed or escalated meanwhile.
   */
  escalate(complaint: Complaint, now: Date, dueAt: Date): Promise<Complaint | null> {
    const level = (complaint.escalation?.level ?? 0) + 1;
    return this.model
      .findOneAndUpdate(
        {
          _id: complaint._id,
          status: { $in: OPEN_COMPLAINT_STATUSES },
          dueAt: { $lte: now },
          'escalation.level': complaint.escalation?.level ?? { $exists: false },
        },
        {
          $set: { status: 'escalated', dueAt, escalation: { level, at: now } },
          $push: {
            timeline: {
              at: now,
              event: 'escalated',
              status: 'escalated',
              detail: `turnaround passed; escalated to level ${level}`,
            },
          },
        },
        { returnDocument: 'after' },
      )
      .lean<Complaint>()
      .exec();
  }

  /** Not closed and due at `now`, a page at a time by id. */
  findOverdue(now: Date, after?: string, limit = 100): Promise<Complaint[]> {
    return this.list({ overdue: true, now, after, limit });
  }

  /** Waiting for a biller, a page at a time by id. */
  findWaiting(after?: string, limit = 100): Promise<Complaint[]> {
    return this.list({ status: 'waiting_for_biller', after, limit });
  }

  /** Records the citizen's rating of a closed complaint, once; null when not closed, not theirs, or rated. */
  rate(id: string, citizenSub: string, rating: { score: number; comment?: string }, now = new Date()) {
    return this.model
      .findOneAndUpdate(
        { _id: id, citizenSub, status: { $in: CLOSED_COMPLAINT_STATUSES }, rating: { $exists: false } },
        {
          $set: { rating: { ...rating, at: now } },
          $push: { timeline: { at: now, event: 'rated', detail: `${rating.score} of 5` } },
        },
        { returnDocument: 'after', runValidators: true },
      )
      .lean<Complaint>()
      .exec();
  }
}
