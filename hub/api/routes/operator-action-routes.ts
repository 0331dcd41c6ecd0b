import type { Context } from 'koa';
import { z } from 'zod';
import { annotatePayment } from '../../operator/actions/annotate-payment.js';
import { CASE_DISPOSITIONS, closeReconCase } from '../../operator/actions/close-recon-case.js';
import { enquireNow } from '../../operator/actions/enquire-line.js';
import { refundHeldPayment } from '../../operator/actions/refund-held-payment.js';
import { refundHeldLine } from '../../operator/actions/refund-line.js';
import { repostLine } from '../../operator/actions/repost-line.js';
import type { ActionRequest } from '../../operator/operator-action.js';
import type { OperatorDeps } from '../../operator/operator-deps.js';
import {
  enquiryAnswerSchema,
  heldRefundSchema,
  lineHandedBackSchema,
  paymentNoteSchema,
  reconCaseJson,
  reconCaseSchema,
} from '../../operator/operator-schemas.js';
import type { RouteSpec } from '../route-spec.js';

/** Every action's reason: the operator's own words, kept in the audit log. */
const reason = z.string().trim().min(1).max(1000).describe("why: the operator's own words, kept in the audit log");
const reasonBody = z.object({ reason }).strict();
const noteBody = z.object({ note: z.string().trim().min(1).max(2000).describe('the note'), reason }).strict();
const closeBody = z.object({ disposition: z.enum(CASE_DISPOSITIONS).describe('how the case ends'), reason }).strict();

const write = { scopes: ['ops:write'], callers: ['operator'] } as const satisfies Pick<RouteSpec, 'scopes' | 'callers'>;
const MOVED = 'state_moved: the subject is not in the state the action needs (the body names the state found)';

/** The operator and their reason, from the token and the body. */
function requestOf(ctx: Context, body: unknown): ActionRequest {
  const caller = ctx.state.caller;
  return {
    actor: { sub: caller?.sub ?? 'unknown', ...(caller?.label ? { label: caller.label } : {}) },
    reason: (body as { reason: string }).reason,
  };
}

/**
 * The operator's actions, each one conditional single-document update, refused with 409 when the
 * state moved, and recorded in the audit log done or refused (hub/operator/actions). None writes
 * the ledger: money moves only through settlement's own steps.
 */
export function operatorActionRoutes(deps: OperatorDeps): RouteSpec[] {
  const lineAction = (
    verb: 'enquire' | 'repost' | 'refund',
    summary: string,
    response: z.ZodType,
    act: (deps: OperatorDeps, lineId: string, request: ActionRequest) => Promise<unknown>,
  ): RouteSpec => ({
    method: 'post',
    path: `/operator/lines/:lineId/${verb}`,
    operationId: `operatorLine${verb[0]?.toUpperCase()}${verb.slice(1)}`,
    summary,
    ...write,
    body: reasonBody,
    response,
    problems: { 404: 'not_found: no such line', 409: MOVED },
    handler: (ctx, { body }) => act(deps, String(ctx.params.lineId), requestOf(ctx, body)),
  });
  return [
    lineAction(
      'enquire',
      'Asks the biller about an unknown line now (a status enquiry)',
      enquiryAnswerSchema,
      enquireNow,
    ),
    lineAction(
      'repost',
      'Re-posts an unknown line under the same reference (unknown → posting)',
      lineHandedBackSchema,
      repostLine,
    ),
    lineAction(
      'refund',
      'Sends a held line back to its refund (held → refunding)',
      lineHandedBackSchema,
      refundHeldLine,
    ),
    {
      method: 'post',
      path: '/operator/payments/:paymentId/notes',
      operationId: 'operatorAnnotatePayment',
      summary: 'Leaves a note on a payment (kept in the audit log)',
      ...write,
      body: noteBody,
      response: paymentNoteSchema,
      status: 201,
      problems: { 404: 'not_found: no such payment' },
      handler: (ctx, { body }) =>
        annotatePayment(
          deps,
          String(ctx.params.paymentId),
          (body as z.infer<typeof noteBody>).note,
          requestOf(ctx, body),
        ),
    },
    {
      method: 'post',
      path: '/operator/payments/:paymentId/refund',
      operationId: 'operatorRefundHeldPayment',
      summary: "Refunds a held payment's whole capture at the gateway (held → refunded once it succeeds)",
      ...write,
      body: reasonBody,
      response: heldRefundSchema,
      problems: {
        404: 'not_found: no such payment',
        409: `${MOVED}; refund_refused: the gateway refused the refund for good`,
      },
      handler: (ctx, { body }) => refundHeldPayment(deps, String(ctx.params.paymentId), requestOf(ctx, body)),
    },
    {
      method: 'post',
      path: '/operator/recon-cases/:caseId/close',
      operationId: 'operatorCloseReconCase',
      summary: 'Closes an open reconciliation case with a disposition (moves no money)',
      ...write,
      body: closeBody,
      response: reconCaseSchema,
      problems: { 404: 'not_found: no such case', 409: MOVED },
      handler: async (ctx, { body }) =>
        reconCaseJson(
          await closeReconCase(
            deps,
            String(ctx.params.caseId),
            (body as z.infer<typeof closeBody>).disposition,
            requestOf(ctx, body),
          ),
        ),
    },
  ];
}
