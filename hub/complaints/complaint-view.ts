import { z } from 'zod';
import type { Payment } from '../payments/payment-model.js';
import { LINE_STATUSES } from '../payments/state-machine.js';
import type { Complaint } from './complaint-model.js';
import { AUTOMATIC_REASON_KEYS, COMPLAINT_STATUSES, COMPLAINT_TYPES, DISPOSITION_CODES } from './complaint-types.js';

const instant = z.iso.datetime({ offset: true }).meta({ description: 'an instant, ISO 8601' });
const actor = z.object({ sub: z.string(), label: z.string().optional() });
const disposition = z.object({
  code: z.enum(DISPOSITION_CODES),
  reason: z.string(),
  reasonKey: z.enum(AUTOMATIC_REASON_KEYS).optional().meta({
    description:
      "set when the hub wrote the reason from its records: a stock sentence's key, for wording it in the citizen's language",
  }),
  evidence: z
    .object({
      billerReference: z.string().optional(),
      refundReference: z.string().optional(),
      reconCaseId: z.string().optional(),
    })
    .optional(),
});
/** One entry of a complaint's timeline, oldest first (the operators' view adds who acted). */
const timelineEntry = z.object({
  at: instant,
  event: z.string(),
  status: z.enum(COMPLAINT_STATUSES).optional(),
  detail: z.string().optional(),
});

/**
 * A complaint as its citizen sees it (the contract the portal's pages are built on): times are ISO
 * strings, `dueAt` the promised answer time, `line` the line complained about (consumer masked).
 */
export const complaintViewSchema = z.object({
  id: z.string().meta({ description: 'CMP + 12 Crockford base32 characters' }),
  paymentId: z.string(),
  lineId: z.string().optional(),
  type: z.enum(COMPLAINT_TYPES),
  typeLabel: z.string().meta({ description: 'the type in plain English' }).optional(),
  description: z.string(),
  status: z.enum(COMPLAINT_STATUSES),
  createdAt: instant,
  dueAt: instant.meta({ description: 'the promised resolution time' }),
  closedAt: instant.optional(),
  owner: actor.optional(),
  disposition: disposition.optional(),
  timeline: z.array(timelineEntry),
  rating: z.object({ score: z.number().int(), comment: z.string().optional(), at: instant }).optional(),
  line: z
    .object({
      billerId: z.string(),
      consumerMasked: z.string(),
      amountMinor: z.number().int().meta({ description: 'paise' }),
      status: z.enum(LINE_STATUSES),
    })
    .optional(),
});
export type ComplaintView = z.infer<typeof complaintViewSchema>;

export const complaintListSchema = z.object({ complaints: z.array(complaintViewSchema) });

/** The operators' view: the citizen's view plus who raised it, the escalation, reconciliation cases, and who acted. */
export const operatorComplaintSchema = complaintViewSchema.extend({
  citizenSub: z.string(),
  escalation: z.object({ level: z.number().int(), at: instant }).optional(),
  reconCaseIds: z.array(z.string()).optional(),
  overdue: z.boolean(),
  timeline: z.array(timelineEntry.extend({ actor: actor.optional() })),
});
export const operatorComplaintListSchema = z.object({
  complaints: z.array(operatorComplaintSchema),
  next: z.string().optional().meta({ description: 'the cursor of the next page' }),
});

/**
 * The timeline entries whose detail the citizen reads. The pre-check's and follow-up's findings
 * (internal ids, reconciliation notes) and operators' reasons stay in the console; the citizen's
 * answer is the disposition.
 */
const CITIZEN_DETAIL_EVENTS = new Set(['raised', 'escalated', 'rated']);

const iso = (date: Date) => new Date(date).toISOString();
const actorOf = (a: { sub: string; label?: string }) => ({ sub: a.sub, ...(a.label ? { label: a.label } : {}) });

/** The citizen's view of a complaint; `payment` (when given) fills in the line's summary. */
export function complaintView(complaint: Complaint, payment?: Payment | null, typeLabel?: string): ComplaintView {
  const line = payment?.lines.find((l) => l._id === complaint.lineId);
  const { disposition: d, rating } = complaint;
  return {
    id: complaint._id,
    paymentId: complaint.paymentId,
    ...(complaint.lineId ? { lineId: complaint.lineId } : {}),
    type: complaint.type,
    ...(typeLabel ? { typeLabel } : {}),
    description: complaint.description,
    status: complaint.status,
    createdAt: iso(complaint.createdAt),
    dueAt: iso(complaint.dueAt),
    ...(complaint.closedAt ? { closedAt: iso(complaint.closedAt) } : {}),
    ...(complaint.owner ? { owner: actorOf(complaint.owner) } : {}),
    ...(d
      ? {
          disposition: {
            code: d.code,
            reason: d.reason,
            ...(d.reasonKey ? { reasonKey: d.reasonKey } : {}),
            ...(d.evidence && Object.values(d.evidence).some(Boolean)
              ? {
                  evidence: {
                    ...(d.evidence.billerReference ? { billerReference: d.evidence.billerReference } : {}),
                    ...(d.evidence.refundReference ? { refundReference: d.evidence.refundReference } : {}),
                    ...(d.evidence.reconCaseId ? { reconCaseId: d.evidence.reconCaseId } : {}),
                  },
                }
              : {}),
          },
        }
      : {}),
    timeline: complaint.timeline.map((e) => ({
      at: iso(e.at),
      event: e.event,
      ...(e.status ? { status: e.status } : {}),
      ...(e.detail && CITIZEN_DETAIL_EVENTS.has(e.event) ? { detail: e.detail } : {}),
    })),
    ...(rating
      ? { rating: { score: rating.score, ...(rating.comment ? { comment: rating.comment } : {}), at: iso(rating.at) } }
      : {}),
    ...(line
      ? {
          line: {
            billerId: line.billerId,
            consumerMasked: line.consumerMasked,
            amountMinor: line.amountMinor,
            status: line.status,
          },
        }
      : {}),
  };
}

/** The operators' view of a complaint at `now`. */
export function operatorComplaintView(
  complaint: Complaint,
  payment: Payment | null | undefined,
  typeLabel: string,
  now = new Date(),
): z.infer<typeof operatorComplaintSchema> {
  const closed = complaint.status === 'resolved' || complaint.status === 'rejected';
  return {
    ...complaintView(complaint, payment, typeLabel),
    citizenSub: complaint.citizenSub,
    ...(complaint.escalation
      ? { escalation: { level: complaint.escalation.level, at: iso(complaint.escalation.at) } }
      : {}),
    ...(complaint.reconCaseIds?.length ? { reconCaseIds: complaint.reconCaseIds } : {}),
    overdue: !closed && new Date(complaint.dueAt) <= now,
    timeline: complaint.timeline.map((e) => ({
      at: iso(e.at),
      event: e.event,
      ...(e.status ? { status: e.status } : {}),
      ...(e.detail ? { detail: e.detail } : {}),
      ...(e.actor ? { actor: actorOf(e.actor) } : {}),
    })),
  };
}
