import { randomUUID } from 'node:crypto';
import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';

/** Who acted: the operator's subject at the idp and, for people reading the log, a name or masked contact. */
export interface AuditActor {
  sub: string;
  label?: string;
}

/** What an action was about: a payment, a line, a complaint, a reconciliation case, a risk rule. */
export interface AuditSubject {
  kind: 'payment' | 'line' | 'complaint' | 'recon_case' | 'risk_rule';
  id: string;
}

/**
 * One operator action, written once and never changed (the log is append-only: no update or
 * delete path exists). `reason` is the operator's own words, required for every action; `outcome`
 * says whether the action did what was asked (`done`) or was refused by the state it found
 * (`refused`, with `detail`), so a refused attempt is audited too.
 */
export interface AuditEntry {
  _id: string;
  at: Date;
  actor: AuditActor;
  /** A stable action name: `line.repost`, `complaint.resolve`, `risk_rule.update`, `payment.annotate`… */
  action: string;
  subject: AuditSubject;
  reason: string;
  outcome: 'done' | 'refused';
  /** What changed or why it was refused, in a sentence. */
  detail?: string;
  /** The payment the subject belongs to, so a payment's page can list every action on it and its lines. */
  paymentId?: string;
}

export type NewAuditEntry = Omit<AuditEntry, '_id' | 'at'> & { at?: Date };

const auditSchema = new Schema<AuditEntry>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    actor: new Schema<AuditActor>({ sub: { type: String, required: true }, label: String }, { _id: false }),
    action: { type: String, required: true, match: /^[a-z_]+\.[a-z_]+$/ },
    subject: new Schema<AuditSubject>(
      {
        kind: { type: String, required: true, enum: ['payment', 'line', 'complaint', 'recon_case', 'risk_rule'] },
        id: { type: String, required: true },
      },
      { _id: false },
    ),
    reason: { type: String, required: true, minlength: 1, maxlength: 1000 },
    outcome: { type: String, required: true, enum: ['done', 'refused'] },
    detail: { type: String, maxlength: 2000 },
    paymentId: String,
  },
  { collection: 'operator_audit', versionKey: false },
);
auditSchema.index({ 'subject.id': 1, at: -1 });
auditSchema.index({ paymentId: 1, at: -1 });
auditSchema.index({ 'actor.sub': 1, at: -1 });
auditSchema.index({ at: -1 });

export type AuditModel = Model<AuditEntry>;

export function auditModel(conn: Connection): AuditModel {
  return (conn.models.OperatorAudit as AuditModel | undefined) ?? conn.model<AuditEntry>('OperatorAudit', auditSchema);
}

/** Filters for reading the log; newest first. */
export interface AuditQuery {
  subjectId?: string;
  paymentId?: string;
  actorSub?: string;
  /** At most 200; default 50. */
  limit?: number;
}

/**
 * The operators' audit log (collection `operator_audit`): every operator action, done or refused,
 * with who and why. Append-only by construction: this class has no way to change or remove an
 * entry. Callers record after deciding the outcome, in the same request, so the answer an operator
 * sees and the log agree.
 */
export class OperatorAudit {
  private readonly model: AuditModel;

  constructor(conn: Connection) {
    this.model = auditModel(conn);
  }

  /** Writes one entry; throws mongoose's ValidationError on a malformed one (an empty reason, an unknown kind). */
  async record(entry: NewAuditEntry): Promise<AuditEntry> {
    const doc = await this.model.create({
      ...entry,
      _id: `AUD${randomUUID().replaceAll('-', '')}`,
      at: entry.at ?? new Date(),
    });
    return doc.toObject();
  }

  /** Entries matching the query, newest first. */
  async list(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const filter: Record<string, unknown> = {};
    if (query.subjectId) filter['subject.id'] = query.subjectId;
    if (query.paymentId) filter.paymentId = query.paymentId;
    if (query.actorSub) filter['actor.sub'] = query.actorSub;
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
    return this.model.find(filter).sort({ at: -1, _id: -1 }).limit(limit).lean<AuditEntry[]>();
  }
}
