import { z } from 'zod';
import { LINE_STATUSES } from '../payments/state-machine.js';
import type { ReconCase } from '../reconciliation/recon-store.js';
import type { AuditEntry } from './audit-log.js';

/**
 * The operator API's success bodies (RouteSpec.response: the OpenAPI document and Schemathesis
 * check answers against them). Closed objects, amounts in integer minor units, instants ISO UTC.
 */

const minor = z.number().int().meta({ description: 'integer minor units (paise for INR)' });
const instant = z.iso.datetime({ offset: true }).meta({ description: 'an instant, ISO 8601 UTC' });
const actor = z.object({ sub: z.string(), label: z.string().optional() });

const queueOf = <T extends z.ZodType>(item: T) =>
  z.object({ count: z.number().int().meta({ description: 'how many in all' }), items: z.array(item) });

export const unknownQueueSchema = queueOf(
  z.object({
    paymentId: z.string(),
    lineId: z.string(),
    billerId: z.string(),
    consumerMasked: z.string(),
    amountMinor: minor,
    reference: z.string(),
    since: instant,
    ageSeconds: z.number().int(),
    enquiries: z.number().int(),
    nextAttemptAt: instant.optional(),
  }),
);

export const heldQueueSchema = queueOf(
  z.object({
    kind: z.enum(['line', 'payment']),
    paymentId: z.string(),
    lineId: z.string().optional(),
    billerId: z.string().optional(),
    consumerMasked: z.string().optional(),
    amountMinor: minor,
    currency: z.string(),
    since: instant,
    ageSeconds: z.number().int(),
    reason: z.string(),
    detail: z.string().optional(),
  }),
);

export const reconQueueSchema = queueOf(
  z.object({
    id: z.string(),
    class: z.string(),
    date: z.iso.date(),
    subject: z.string(),
    paymentId: z.string().optional(),
    lineId: z.string().optional(),
    detail: z.string(),
    resolutionError: z.string().optional(),
    since: instant,
    ageSeconds: z.number().int(),
  }),
);

export const auditEntrySchema = z.object({
  id: z.string(),
  at: instant,
  actor,
  action: z.string(),
  subject: z.object({ kind: z.enum(['payment', 'line', 'complaint', 'recon_case', 'risk_rule']), id: z.string() }),
  reason: z.string(),
  outcome: z.enum(['done', 'refused']),
  detail: z.string().optional(),
  paymentId: z.string().optional(),
});
export type AuditEntryJson = z.infer<typeof auditEntrySchema>;
export const auditListSchema = z.object({ entries: z.array(auditEntrySchema) });

/** An audit entry as the API shows it. */
export function auditEntryJson(e: AuditEntry): AuditEntryJson {
  return {
    id: e._id,
    at: e.at.toISOString(),
    actor: { sub: e.actor.sub, ...(e.actor.label ? { label: e.actor.label } : {}) },
    action: e.action,
    subject: { kind: e.subject.kind, id: e.subject.id },
    reason: e.reason,
    outcome: e.outcome,
    ...(e.detail ? { detail: e.detail } : {}),
    ...(e.paymentId ? { paymentId: e.paymentId } : {}),
  };
}

export const enquiryAnswerSchema = z.object({
  lineId: z.string(),
  outcome: z.enum(['settled', 'failed', 'still_unknown', 'given_up']),
  status: z.enum(LINE_STATUSES),
});

export const lineHandedBackSchema = z.object({
  lineId: z.string(),
  status: z.enum(LINE_STATUSES),
  reference: z.string(),
});

export const heldRefundSchema = z.object({
  paymentId: z.string(),
  status: z.enum(['refunded', 'held']),
  refund: z.object({
    refundId: z.string(),
    status: z.enum(['succeeded', 'pending']),
    amountMinor: minor,
    currency: z.string(),
  }),
});

export const paymentNoteSchema = z.object({ at: instant, by: actor, note: z.string(), reason: z.string() });

export const reconCaseSchema = z.object({
  id: z.string(),
  class: z.string(),
  status: z.enum(['open', 'closed']),
  date: z.iso.date(),
  paymentId: z.string().optional(),
  lineId: z.string().optional(),
  billerId: z.string().optional(),
  reference: z.string().optional(),
  detail: z.string(),
  resolutionError: z.string().optional(),
  openedAt: instant,
  closed: z.object({ at: instant, by: actor, disposition: z.string(), reason: z.string() }).optional(),
});

/** A reconciliation case as the API shows it. */
export function reconCaseJson(c: ReconCase): z.infer<typeof reconCaseSchema> {
  return {
    id: c._id,
    class: c.class,
    status: c.status,
    date: c.date,
    ...(c.paymentId ? { paymentId: c.paymentId } : {}),
    ...(c.lineId ? { lineId: c.lineId } : {}),
    ...(c.billerId ? { billerId: c.billerId } : {}),
    ...(c.reference ? { reference: c.reference } : {}),
    detail: c.detail,
    ...(c.resolutionError ? { resolutionError: c.resolutionError } : {}),
    openedAt: c.openedAt.toISOString(),
    ...(c.closed
      ? {
          closed: {
            at: c.closed.at.toISOString(),
            by: { sub: c.closed.by.sub, ...(c.closed.by.label ? { label: c.closed.by.label } : {}) },
            disposition: c.closed.disposition,
            reason: c.closed.reason,
          },
        }
      : {}),
  };
}
