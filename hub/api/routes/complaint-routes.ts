import { z } from 'zod';
import { idempotencyKey } from '../../checkout/checkout-request.js';
import {
  COMPLAINT_TYPE_LABELS,
  COMPLAINT_TYPES,
  type ComplaintParts,
  complaintListSchema,
  complaintView,
  complaintViewSchema,
} from '../../complaints/index.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { parseInput } from '../validate.js';

/** A complaint as raised: a payment of mine, optionally one of its lines, a type, my words. */
const raiseBody = z.object({
  paymentId: z.string().min(1).max(64),
  lineId: z.string().min(1).max(64).optional(),
  type: z.enum(COMPLAINT_TYPES).meta({ description: 'amount_deducted_not_credited, paid_twice, wrong_amount, …' }),
  description: z.string().trim().min(1).max(1000),
});

const ratingBody = z.object({
  score: z.number().int().min(1).max(5),
  comment: z.string().trim().min(1).max(1000).optional(),
});

const label = (type: keyof typeof COMPLAINT_TYPE_LABELS) => COMPLAINT_TYPE_LABELS[type];

/**
 * A citizen's complaints about their own payments (hub/complaints): raise one, see them, rate the
 * answer. Another citizen's complaint is a 404, like a missing one.
 */
export function complaintRoutes({ service }: Pick<ComplaintParts, 'service'>): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/complaints',
      operationId: 'raiseComplaint',
      summary:
        'Raise a complaint about one of my payments (or one of its lines): checked at once against the payment, answered at once when the records hold the answer',
      scopes: ['payments:write'],
      callers: ['citizen'],
      body: raiseBody,
      status: 201,
      response: complaintViewSchema,
      headers: {
        'Idempotency-Key': {
          required: false,
          description:
            'optional; the same key returns the complaint it raised (so does a complaint still open for the same line and type)',
          schema: idempotencyKey,
        },
      },
      responseHeaders: { 'Idempotent-Replayed': '`true` when an earlier complaint is returned instead of a new one' },
      problems: { 404: 'not_found: no such payment of mine; line_not_found: the payment has no such line' },
      handler: async (ctx, { body, caller }) => {
        const key = ctx.get('idempotency-key') ? parseInput(idempotencyKey, ctx.get('idempotency-key')) : undefined;
        const { complaint, payment, created } = await service.raise(caller.sub, body, key);
        if (!created) ctx.set('Idempotent-Replayed', 'true');
        return complaintView(complaint, payment, label(complaint.type));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/complaints',
      operationId: 'listMyComplaints',
      summary: 'My complaints, newest first',
      scopes: ['payments:read'],
      callers: ['citizen'],
      response: complaintListSchema,
      handler: async (_ctx, { caller }) => ({
        complaints: (await service.listForCitizen(caller.sub)).map(({ complaint, payment }) =>
          complaintView(complaint, payment, label(complaint.type)),
        ),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/complaints/:complaintId',
      operationId: 'getMyComplaint',
      summary: 'One of my complaints with its timeline, promised time and answer',
      scopes: ['payments:read'],
      callers: ['citizen'],
      response: complaintViewSchema,
      problems: { 404: 'complaint_not_found: no such complaint of mine' },
      handler: async (_ctx, { params, caller }) => {
        const { complaint, payment } = await service.getForCitizen(params.complaintId, caller.sub);
        return complaintView(complaint, payment, label(complaint.type));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/complaints/:complaintId/rating',
      operationId: 'rateMyComplaint',
      summary: 'Rate the answer to one of my complaints (1 to 5), once it is resolved or rejected; once only',
      scopes: ['payments:write'],
      callers: ['citizen'],
      body: ratingBody,
      response: complaintViewSchema,
      problems: {
        404: 'complaint_not_found: no such complaint of mine',
        409: 'complaint_not_closed: not answered yet; complaint_already_rated: rated before',
      },
      handler: async (_ctx, { params, body, caller }) => {
        const rated = await service.rate(params.complaintId, caller.sub, body);
        const { payment } = await service.getForCitizen(rated._id, caller.sub);
        return complaintView(rated, payment, label(rated.type));
      },
    }),
  ];
}
