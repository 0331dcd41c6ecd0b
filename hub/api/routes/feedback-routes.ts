import { z } from 'zod';
import { FEEDBACK_COMMENT_MAX } from '../../feedback/feedback-model.js';
import type { FeedbackStore } from '../../feedback/feedback-store.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';

const feedbackBody = z.strictObject({
  score: z.number().int().min(1).max(5).describe('1 (very poor) to 5 (very good)'),
  comment: z
    .string()
    .trim()
    .max(FEEDBACK_COMMENT_MAX)
    .optional()
    .describe(`at most ${FEEDBACK_COMMENT_MAX} characters`),
});

const feedbackSchema = z.strictObject({
  score: z.number().int().min(1).max(5),
  comment: z.string().optional(),
  at: z.iso.datetime({ offset: true }).meta({ description: 'when it was given, ISO 8601' }),
});

/** A citizen's post-payment satisfaction (hub/feedback): given once on their own final payment, and read back. */
export function feedbackRoutes(feedback: FeedbackStore): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/payments/:paymentId/feedback',
      operationId: 'giveMyPaymentFeedback',
      summary: 'Score one of my payments 1 to 5 (with a comment), once it is complete or refunded; once only',
      scopes: ['payments:write'],
      callers: ['citizen'],
      body: feedbackBody,
      response: feedbackSchema,
      status: 201,
      problems: {
        404: 'not_found: no such payment of mine',
        409: 'payment_not_final (paymentStatus): not complete or refunded yet, or never paid; feedback_already_given',
      },
      handler: (_ctx, { params, body, caller }) => feedback.give(params.paymentId, caller.sub, body),
    }),
    defineRoute({
      method: 'get',
      path: '/payments/:paymentId/feedback',
      operationId: 'getMyPaymentFeedback',
      summary: 'The score I gave one of my payments',
      scopes: ['payments:read'],
      callers: ['citizen'],
      response: feedbackSchema,
      problems: { 404: 'feedback_not_found: no such payment of mine, or no feedback given on it' },
      handler: (_ctx, { params, caller }) => feedback.forPayment(params.paymentId, caller.sub),
    }),
  ];
}
