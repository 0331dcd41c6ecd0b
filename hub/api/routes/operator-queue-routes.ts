import { z } from 'zod';
import type { OperatorAudit } from '../../operator/audit-log.js';
import {
  auditEntryJson,
  auditListSchema,
  heldQueueSchema,
  reconQueueSchema,
  unknownQueueSchema,
} from '../../operator/operator-schemas.js';
import type { OperatorQueues } from '../../operator/queues.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';

export interface OperatorQueueRouteDeps {
  queues: OperatorQueues;
  audit: OperatorAudit;
}

const limitQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional().describe('items to list, oldest first (default 100)'),
});

const auditQuery = z.object({
  subject: z.string().min(1).max(100).optional().describe('a payment, line, complaint, case or rule id'),
  payment: z.string().min(1).max(100).optional().describe('every action on a payment and its lines'),
  actor: z.string().min(1).max(200).optional().describe("the operator's subject"),
  limit: z.coerce.number().int().min(1).max(200).optional().describe('entries, newest first (default 50)'),
});

const read = { scopes: ['ops:read'], callers: ['operator'] } as const satisfies Pick<RouteSpec, 'scopes' | 'callers'>;

/**
 * The operator's work queues (unknown outcomes, refunds needing a person, reconciliation
 * differences), each oldest first with its count, and the audit log of operator actions.
 */
export function operatorQueueRoutes({ queues, audit }: OperatorQueueRouteDeps): RouteSpec[] {
  const limitOf = (query: z.infer<typeof limitQuery>) => query.limit ?? 100;
  return [
    defineRoute({
      method: 'get',
      path: '/operator/queues/unknown',
      operationId: 'operatorUnknownQueue',
      summary: 'Lines whose outcome is unknown, oldest first: age, enquiries made, next enquiry',
      ...read,
      query: limitQuery,
      response: unknownQueueSchema,
      handler: (_ctx, { query }) => queues.unknown(limitOf(query)),
    }),
    defineRoute({
      method: 'get',
      path: '/operator/queues/held',
      operationId: 'operatorHeldQueue',
      summary: 'Refunds needing a person, oldest first: held lines and held payments with the hold reason',
      ...read,
      query: limitQuery,
      response: heldQueueSchema,
      handler: (_ctx, { query }) => queues.held(limitOf(query)),
    }),
    defineRoute({
      method: 'get',
      path: '/operator/queues/recon',
      operationId: 'operatorReconQueue',
      summary: 'Open reconciliation cases, oldest first, with class and subject',
      ...read,
      query: limitQuery,
      response: reconQueueSchema,
      handler: (_ctx, { query }) => queues.recon(limitOf(query)),
    }),
    defineRoute({
      method: 'get',
      path: '/operator/audit',
      operationId: 'operatorAuditLog',
      summary: 'Operator actions, done or refused, with who and why; newest first',
      ...read,
      query: auditQuery,
      response: auditListSchema,
      handler: async (_ctx, { query: q }) => {
        const entries = await audit.list({
          ...(q.subject ? { subjectId: q.subject } : {}),
          ...(q.payment ? { paymentId: q.payment } : {}),
          ...(q.actor ? { actorSub: q.actor } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
        });
        return { entries: entries.map(auditEntryJson) };
      },
    }),
  ];
}
