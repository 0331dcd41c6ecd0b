import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';
import {
  AUTOMATIC_REASON_KEYS,
  type AutomaticReasonKey,
  COMPLAINT_ID_PATTERN,
  COMPLAINT_STATUSES,
  COMPLAINT_TYPES,
  type ComplaintStatus,
  type ComplaintType,
  DISPOSITION_CODES,
  type DispositionCode,
  newComplaintId,
} from './complaint-types.js';

/** An operator (or the hub itself, sub `hub`) as a complaint names them. */
export interface ComplaintActor {
  sub: string;
  label?: string;
}

/** What closed a complaint: a code, the reason in words, and the references that prove it. */
export interface Disposition {
  code: DispositionCode;
  reason: string;
  /**
   * Set when the hub itself wrote the reason (the pre-check or a follow-up): which of its stock
   * sentences it is, so the citizen's pages can say it in the citizen's language (the English
   * `reason` stays for operators and the API).
   */
  reasonKey?: AutomaticReasonKey;
  evidence?: { billerReference?: string; refundReference?: string; reconCaseId?: string };
}

/** One change of a complaint, as the citizen's timeline and the console show it. */
export interface ComplaintTimelineEntry {
  at: Date;
  /** `raised`, `pre_check.*`, `assigned`, `status_changed`, `resolved`, `rejected`, `escalated`, `rated`, `follow_up.*`. */
  event: string;
  /** The status after this change, when it changed. */
  status?: ComplaintStatus;
  detail?: string;
  /** The operator who acted; absent for the citizen and the hub's own jobs. */
  actor?: ComplaintActor;
}

/** A citizen's complaint about a payment or one of its lines (collection `complaints`). */
export interface Complaint {
  /** CMP + 12 Crockford base32 characters. */
  _id: string;
  citizenSub: string;
  paymentId: string;
  lineId?: string;
  type: ComplaintType;
  /** The citizen's words, 1..1000 characters. */
  description: string;
  status: ComplaintStatus;
  /**
   * `<line or payment id>|<type>` while the complaint is not closed, `…|closed|<id>` after: unique,
   * so one complaint per subject and type is open at a time (a plain unique index, no partial one).
   */
  openKey: string;
  /** `<citizenSub>|<Idempotency-Key>`, or the id when none was sent: unique, so a retried raise finds its complaint. */
  requestKey: string;
  owner?: ComplaintActor;
  disposition?: Disposition;
  /** The promised resolution time (the type's turnaround after the raise, renewed at each escalation). */
  dueAt: Date;
  closedAt?: Date;
  escalation?: { level: number; at: Date };
  /** Reconciliation cases about the payment or line that the pre-check found. */
  reconCaseIds?: string[];
  timeline: ComplaintTimelineEntry[];
  rating?: { score: number; comment?: string; at: Date };
  createdAt: Date;
  updatedAt: Date;
}

export type ComplaintModel = Model<Complaint>;

const actorSchema = new Schema<ComplaintActor>(
  { sub: { type: String, required: true }, label: String },
  { _id: false },
);

const complaintSchema = new Schema<Complaint>(
  {
    _id: { type: String, required: true, default: newComplaintId, match: COMPLAINT_ID_PATTERN },
    citizenSub: { type: String, required: true },
    paymentId: { type: String, required: true },
    lineId: String,
    type: { type: String, enum: COMPLAINT_TYPES, required: true },
    description: { type: String, required: true, minlength: 1, maxlength: 1000 },
    status: { type: String, enum: COMPLAINT_STATUSES, required: true },
    openKey: { type: String, required: true },
    requestKey: { type: String, required: true },
    owner: actorSchema,
    disposition: new Schema<Disposition>(
      {
        code: { type: String, enum: DISPOSITION_CODES, required: true },
        reason: { type: String, required: true, maxlength: 1000 },
        reasonKey: { type: String, enum: AUTOMATIC_REASON_KEYS },
        evidence: new Schema({ billerReference: String, refundReference: String, reconCaseId: String }, { _id: false }),
      },
      { _id: false },
    ),
    dueAt: { type: Date, required: true },
    closedAt: Date,
    escalation: new Schema(
      { level: { type: Number, required: true, min: 1 }, at: { type: Date, required: true } },
      { _id: false },
    ),
    reconCaseIds: { type: [String], default: undefined },
    timeline: {
      type: [
        new Schema<ComplaintTimelineEntry>(
          {
            at: { type: Date, required: true },
            event: { type: String, required: true },
            status: { type: String, enum: COMPLAINT_STATUSES },
            detail: { type: String, maxlength: 2000 },
            actor: actorSchema,
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    rating: new Schema(
      {
        score: { type: Number, required: true, min: 1, max: 5 },
        comment: { type: String, maxlength: 1000 },
        at: { type: Date, required: true },
      },
      { _id: false },
    ),
  },
  { timestamps: true, collection: 'complaints', versionKey: false },
);
complaintSchema.index({ openKey: 1 }, { unique: true });
complaintSchema.index({ requestKey: 1 }, { unique: true });
complaintSchema.index({ citizenSub: 1, createdAt: -1 });
complaintSchema.index({ paymentId: 1 });
complaintSchema.index({ status: 1, dueAt: 1 });

export function complaintModel(conn: Connection): ComplaintModel {
  return (conn.models.Complaint as ComplaintModel | undefined) ?? conn.model<Complaint>('Complaint', complaintSchema);
}
