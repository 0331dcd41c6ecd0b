import type Router from '@koa/router';
import type { Context } from 'koa';
import { ApiProblem } from '../api/operator-api.js';
import type { OperatorConsoleDeps } from '../deps.js';
import { operatorOf, operatorOnly } from '../http/operator.js';
import type { Pages } from '../http/pages.js';
import { DISPOSITIONS } from './work-types.js';

const PAYMENT_ID = /^PAY[0-9A-HJKMNP-TV-Z]{20}$/;
const LINE_ID = /^LIN[0-9A-HJKMNP-TV-Z]{20}$/;
/** `<class>:<subject>` (hub/reconciliation/differences.ts caseKey). */
const CASE_ID = /^[a-z_]{1,40}:[A-Za-z0-9_:.-]{1,200}$/;
const LINE_VERBS = ['enquire', 'repost', 'refund'] as const;

/** The form's fields as text, trimmed. */
const field = (ctx: Context, name: string): string => {
  const value = (ctx.request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
};

/** Where the operator came from: their queue, or the payment's page. */
function backTo(ctx: Context, action: string): string {
  const paymentId = field(ctx, 'paymentId');
  if (field(ctx, 'from') !== 'queues' && PAYMENT_ID.test(paymentId)) return `/payments/${paymentId}?done=${action}`;
  return `/queues?done=${action}`;
}

/** The page that says an action was not done, in the hub's words or the form's. */
function refused(ctx: Context, pages: Pages, status: number, text: string, back: string) {
  return pages.render(
    ctx,
    'queues-action-refused',
    { title: 'The action was not done', text, back, errors: [{ field: 'reason', text }] },
    status,
  );
}

/**
 * The operator's actions as forms (each with a required reason and the CSRF token, checked
 * before this runs): the console posts them to the hub's operator API and sends the browser back
 * with a notice (`?done=<action>`), or shows the hub's refusal (409 with the state it found, a
 * 400, a 404) in words. The hub records every one of them, done or refused, in the audit log.
 */
export function actionRoutes(router: Router, { pages, api }: OperatorConsoleDeps): void {
  const only = operatorOnly(pages);

  /** Posts one action and answers the browser: a 303 back, or the refusal page. */
  async function act(ctx: Context, action: string, path: string, body: Record<string, string>) {
    const back = backTo(ctx, action).replace(/\?done=.*$/, '');
    if (!body.reason)
      return refused(ctx, pages, 400, 'Enter the reason for this action: it is kept in the audit log.', back);
    if (body.reason.length > 1000)
      return refused(ctx, pages, 400, 'The reason must be 1,000 characters or fewer.', back);
    const { session } = operatorOf(ctx);
    try {
      await api.post(session, path, body);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      return refused(ctx, pages, error.status, error.detail || `The hub refused the action (${error.code}).`, back);
    }
    ctx.status = 303;
    ctx.redirect(backTo(ctx, action));
  }

  router.post('/actions/lines/:lineId/:verb', only, async (ctx) => {
    const lineId = String(ctx.params.lineId);
    const verb = String(ctx.params.verb) as (typeof LINE_VERBS)[number];
    if (!LINE_ID.test(lineId) || !LINE_VERBS.includes(verb)) {
      return pages.render(ctx, 'error', { title: 'Page not found', text: 'No such action.', kind: 'not_found' }, 404);
    }
    await act(ctx, `line.${verb}`, `/operator/lines/${lineId}/${verb}`, { reason: field(ctx, 'reason') });
  });

  router.post('/actions/payments/:paymentId/:verb', only, async (ctx) => {
    const paymentId = String(ctx.params.paymentId);
    const verb = String(ctx.params.verb);
    if (!PAYMENT_ID.test(paymentId) || (verb !== 'refund' && verb !== 'notes')) {
      return pages.render(ctx, 'error', { title: 'Page not found', text: 'No such action.', kind: 'not_found' }, 404);
    }
    if (verb === 'notes') {
      const note = field(ctx, 'note');
      if (!note || note.length > 2000) {
        return refused(ctx, pages, 400, 'Enter the note (2,000 characters or fewer).', `/payments/${paymentId}`);
      }
      return act(ctx, 'payment.annotate', `/operator/payments/${paymentId}/notes`, {
        note,
        reason: field(ctx, 'reason'),
      });
    }
    await act(ctx, 'payment.refund', `/operator/payments/${paymentId}/refund`, { reason: field(ctx, 'reason') });
  });

  router.post('/actions/recon-cases/:caseId/close', only, async (ctx) => {
    const caseId = String(ctx.params.caseId);
    const disposition = field(ctx, 'disposition');
    if (!CASE_ID.test(caseId)) {
      return pages.render(ctx, 'error', { title: 'Page not found', text: 'No such case.', kind: 'not_found' }, 404);
    }
    if (!DISPOSITIONS.some((d) => d.value === disposition)) {
      return refused(ctx, pages, 400, 'Choose how the case ends.', '/queues');
    }
    await act(ctx, 'recon_case.close', `/operator/recon-cases/${encodeURIComponent(caseId)}/close`, {
      disposition,
      reason: field(ctx, 'reason'),
    });
  });
}
