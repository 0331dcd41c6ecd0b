import { z } from 'zod';
import {
  COMPLAINT_STATUSES,
  COMPLAINT_TYPE_LABELS,
  COMPLAINT_TYPES,
  type ComplaintActor,
  ComplaintNotFoundError,
  type ComplaintParts,
  type DispositionCode,
  OPERATOR_SETTABLE_STATUSES,
  operatorComplaintListSchema,
  operatorComplaintSchema,
  operatorComplaintView,
  REJECTION_CODES,
  RESOLUTION_CODES,
} from '../../complaints/index.js';
import { OperatorAudit } from '../../operator/audit-log.js';
import type { Caller } from '../access-token.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';

/** The operator's own words for an action, kept in the audit log (1..1000 characters, trimmed). */
const reason = z.string().trim().min(1).max(1000);
const ownerSub = z.string().trim().min(1).max(200);

/** A queue page's cursor: the last row's promised time (ms since the epoch) and id. */
const QUEUE_CURSOR = /^(\d{1,15})\.(CMP[0-9A-HJKMNP-TV-Z]{12})$/;

const queueQuery = z.object({
  status: z.enum(COMPLAINT_STATUSES).optional(),
  type: z.enum(COMPLAINT_TYPES).optional(),
  overdue: z.enum(['true', 'false']).optional().meta({
    description: 'true: only complaints not closed that missed their first promised time (past due, or escalated)',
  }),
  cursor: z
    .string()
    .regex(QUEUE_CURSOR, 'must be the `next` of the previous page')
    .optional()
    .meta({ description: 'the `next` of the previous page' }),
});
/** Another owner is named by id only: the hub takes their name from the audit log (operator-actions.ts). */
const assignBody = z.object({
  owner: z
    .object({ sub: ownerSub })
    .optional()
    .meta({ description: 'an operator who has acted in the console before; absent: the caller takes it' }),
  reason,
});
const statusBody = z.object({ status: z.enum(OPERATOR_SETTABLE_STATUSES), reason });
const resolveBody = z.object({
  disposition: z.object({
    code: z.enum(RESOLUTION_CODES as [DispositionCode, ...DispositionCode[]]),
    reason: z
      .string()
      .trim()
      .min(1)
      .max(1000)
      .optional()
      .meta({ description: 'the answer the citizen reads; the action reason when absent' }),
    evidence: z
      .object({
        billerReference: z.string().trim().min(1).max(100).optional(),
        refundReference: z.string().trim().min(1).max(100).optional(),
        reconCaseId: z.string().trim().min(1).max(200).optional(),
      })
      .optional(),
  }),
  reason,
});
const rejectBody = z.object({
  code: z.enum(REJECTION_CODES as [DispositionCode, ...DispositionCode[]]).optional(),
  reason,
});

const auditEntrySchema = z.object({
  at: z.iso.datetime({ offset: true }),
  actor: z.object({ sub: z.string(), label: z.string().optional() }),
  action: z.string(),
  reason: z.string(),
  outcome: z.enum(['done', 'refused']),
  detail: z.string().optional(),
});
const detailSchema = operatorComplaintSchema.extend({ audit: z.array(auditEntrySchema) });

const PAGE = 50;
const ACTION_PROBLEMS = {
  404: 'complaint_not_found: no such complaint (the refusal is audited)',
  409: 'complaint_state_conflict: the complaint is closed, or changed meanwhile (audited as refused)',
  422: 'unknown_operator: an assignment to an operator who has never acted in the console (audited as refused)',
};

const actorOf = (caller: Caller): ComplaintActor => ({
  sub: caller.sub,
  ...(caller.label ? { label: caller.label } : {}),
});

/**
 * The operators' complaint queue and actions (console: /complaints). Reads need ops:read; every
 * action needs ops:write and a reason, and is written to the operator audit log, done or refused.
 */
export function operatorComplaintRoutes(
  parts: Pick<ComplaintParts, 'store' | 'actions' | 'payments'>,
  audit?: OperatorAudit,
): RouteSpec[] {
  const { store, actions, payments } = parts;
  const log = audit ?? new OperatorAudit(store.model.db);
  const viewOf = async (id: string) => {
    const complaint = await store.findById(id);
    if (!complaint) return null;
    return operatorComplaintView(
      complaint,
      await payments.findById(complaint.paymentId),
      COMPLAINT_TYPE_LABELS[complaint.type],
    );
  };
  /** What every complaint action shares: its path under the complaint, access, answer and problems. */
  const action = (path: string, operationId: string, summary: string) =>
    ({
      method: 'post',
      path: `/operator/complaints/:complaintId/${path}`,
      operationId,
      summary,
      scopes: ['ops:write'],
      callers: ['operator'],
      response: operatorComplaintSchema,
      problems: ACTION_PROBLEMS,
    }) as const;
  /** The complaint as an action left it. */
  const viewAfter = async (done: Promise<{ _id: string }>) => viewOf((await done)._id);
  return [
    defineRoute({
      method: 'get',
      path: '/operator/complaints',
      operationId: 'listComplaints',
      summary:
        'The complaints queue, by status, type and overdue, nearest promised time first (the next to breach its turnaround on top), 50 a page',
      scopes: ['ops:read'],
      callers: ['operator'],
      query: queueQuery,
      response: operatorComplaintListSchema,
      handler: async (_ctx, { query: q }) => {
        const cursor = q.cursor ? QUEUE_CURSOR.exec(q.cursor) : null;
        const now = new Date();
        const page = await store.list({
          ...(q.status ? { status: q.status } : {}),
          ...(q.type ? { type: q.type } : {}),
          breached: q.overdue === 'true',
          now,
          byDue: true,
          ...(cursor ? { afterDue: { dueAt: new Date(Number(cursor[1])), id: cursor[2] as string } } : {}),
          limit: PAGE,
        });
        const ids = [...new Set(page.map((c) => c.paymentId))];
        const found = await payments.model
          .find({ _id: { $in: ids } })
          .lean()
          .exec();
        const byId = new Map(found.map((p) => [p._id, p]));
        const last = page.at(-1);
        return {
          complaints: page.map((c) =>
            operatorComplaintView(c, byId.get(c.paymentId), COMPLAINT_TYPE_LABELS[c.type], now),
          ),
          ...(page.length === PAGE && last ? { next: `${new Date(last.dueAt).getTime()}.${last._id}` } : {}),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/operator/complaints/:complaintId',
      operationId: 'getComplaint',
      summary: 'One complaint with its timeline, line and the audit log of actions on it',
      scopes: ['ops:read'],
      callers: ['operator'],
      response: detailSchema,
      problems: { 404: 'complaint_not_found: no such complaint' },
      handler: async (_ctx, { params: { complaintId: id } }) => {
        const view = await viewOf(id);
        if (!view) throw new ComplaintNotFoundError();
        const entries = await log.list({ subjectId: id, limit: 200 });
        return {
          ...view,
          audit: entries.map((e) => ({
            at: new Date(e.at).toISOString(),
            actor: { sub: e.actor.sub, ...(e.actor.label ? { label: e.actor.label } : {}) },
            action: e.action,
            reason: e.reason,
            outcome: e.outcome,
            ...(e.detail ? { detail: e.detail } : {}),
          })),
        };
      },
    }),
    defineRoute({
      ...action(
        'assign',
        'assignComplaint',
        'Give the complaint an owner (me unless another is named); it becomes assigned',
      ),
      body: assignBody,
      handler: (_ctx, { params, body, caller }) => viewAfter(actions.assign(params.complaintId, actorOf(caller), body)),
    }),
    defineRoute({
      ...action('status', 'setComplaintStatus', 'Move the complaint to open, assigned or waiting_for_biller'),
      body: statusBody,
      handler: (_ctx, { params, body, caller }) =>
        viewAfter(actions.setStatus(params.complaintId, actorOf(caller), body)),
    }),
    defineRoute({
      ...action(
        'resolve',
        'resolveComplaint',
        'Resolve the complaint with a disposition; its reason is the answer the citizen reads',
      ),
      body: resolveBody,
      handler: (_ctx, { params, body, caller }) =>
        viewAfter(actions.resolve(params.complaintId, actorOf(caller), body)),
    }),
    defineRoute({
      ...action('reject', 'rejectComplaint', 'Reject the complaint; the reason is the answer the citizen reads'),
      body: rejectBody,
      handler: (_ctx, { params, body, caller }) => viewAfter(actions.reject(params.complaintId, actorOf(caller), body)),
    }),
  ];
}
