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
import type { Caller } from '../access-token.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';

/** Every action's reason: the operator's own words, kept in the audit log. */
const reason = z.string().trim().min(1).max(1000).describe("why: the operator's own words, kept in the audit log");
const reasonBody = z.object({ reason }).strict();
const noteBody = z.object({ note: z.string().trim().min(1).max(2000).describe('the note'), reason }).strict();
const closeBody = z.object({ disposition: z.enum(CASE_DISPOSITIONS).describe('how the case ends'), reason }).strict();

const write = { scopes: ['ops:write'], callers: ['operator'] } as const satisfies Pick<RouteSpec, 'scopes' | 'callers'>;
const MOVED = 'state_moved: the subject is not in the state the action needs (the body names the state found)';

/** The operator and their reason, from the token and the body. */
function requestOf(caller: Caller, body: { reason: string }): ActionRequest {
  return { actor: { sub: caller.sub, ...(caller.label ? { label: caller.label } : {}) }, reason: body.reason };
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
  ): RouteSpec =>
    defineRoute({
      method: 'post',
      path: `/operator/lines/:lineId/${verb}`,
      operationId: `operatorLine${verb[0]?.toUpperCase()}${verb.slice(1)}`,
      summary,
      ...write,
      body: reasonBody,
      response,
      problems: { 404: 'not_found: no such line', 409: MOVED },
      handler: (_ctx, { params, body, caller }) => act(deps, params.lineId, requestOf(caller, body)),
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
    defineRoute({
      method: 'post',
      path: '/operator/payments/:paymentId/notes',
      operationId: 'operatorAnnotatePayment',
      summary: 'Leaves a note on a payment (kept in the audit log)',
      ...write,
      body: noteBody,
      response: paymentNoteSchema,
      status: 201,
      problems: { 404: 'not_found: no such payment' },
      handler: (_ctx, { params, body, caller }) =>
        annotatePayment(deps, params.paymentId, body.note, requestOf(caller, body)),
    }),
    defineRoute({
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
      handler: (_ctx, { params, body, caller }) => refundHeldPayment(deps, params.paymentId, requestOf(caller, body)),
    }),
    defineRoute({
      method: 'post',
      path: '/operator/recon-cases/:caseId/close',
      operationId: 'operatorCloseReconCase',
      summary: 'Closes an open reconciliation case with a disposition (moves no money)',
      ...write,
      body: closeBody,
      response: reconCaseSchema,
      problems: { 404: 'not_found: no such case', 409: MOVED },
      handler: async (_ctx, { params, body, caller }) =>
        reconCaseJson(await closeReconCase(deps, params.caseId, body.disposition, requestOf(caller, body))),
    }),
  ];
}
