import type Router from '@koa/router';
import { PAYMENT_STATUSES } from '../../hub/payments/state-machine.js';
import { ApiProblem } from '../api/operator-api.js';
import type { OperatorPaymentDetailJson, OperatorPaymentListJson } from '../api/types.js';
import type { OperatorConsoleDeps } from '../deps.js';
import { operatorOf, operatorOnly } from '../http/operator.js';
import { paymentNotFound } from '../http/pages.js';
import { fieldErrorOf, isFiltered, readSearchForm, searchQuery } from './payment-search-form.js';

/** A payment id as the hub makes them (hub/payments/ids.ts): anything else is not asked for. */
const PAYMENT_ID = /^PAY[0-9A-HJKMNP-TV-Z]{20}$/;
/** An audit action name (hub/operator/audit-log.ts), e.g. `line.repost`. */
const ACTION_NAME = /^[a-z_]{1,40}\.[a-z_]{1,40}$/;

/** The hub's field errors of a refused search (`fields: [{field, problem}]`), else its detail. */
function problemErrors(problem: ApiProblem) {
  const fields = (problem.body as { fields?: unknown }).fields;
  const list = Array.isArray(fields) ? (fields as { field?: unknown; problem?: unknown }[]) : [];
  const errors = list
    .filter((entry) => typeof entry.field === 'string')
    .map((entry) => fieldErrorOf(String(entry.field), String(entry.problem ?? 'is not valid')));
  return errors.length ? errors : [fieldErrorOf('', problem.detail || 'the hub refused this search')];
}

/**
 * Payments: the search (by reference, the citizen's phone, consumer number, biller, status and
 * India-time days; newest first, a page at a time) and one payment in full (lines, timeline,
 * ledger entries, the operators' actions on it, and the actions allowed: _payment-actions.njk).
 */
export function paymentRoutes(router: Router, { pages, api }: OperatorConsoleDeps): void {
  const only = operatorOnly(pages);
  const statusItems = (chosen: string) => [
    { value: '', text: 'Any status' },
    ...PAYMENT_STATUSES.map((status) => ({
      value: status,
      text: status.replace('_', ' '),
      selected: status === chosen,
    })),
  ];

  router.get('/payments', only, async (ctx) => {
    const { session } = operatorOf(ctx);
    const { form, errors } = readSearchForm(ctx);
    const view = { title: 'Payments', form, statusItems: statusItems(form.status), filtered: isFiltered(form) };
    if (errors.length) return pages.render(ctx, 'payments', { ...view, errors }, 400);
    let list: OperatorPaymentListJson;
    try {
      list = await api.get<OperatorPaymentListJson>(session, '/operator/payments', searchQuery(form));
    } catch (error) {
      if (!(error instanceof ApiProblem) || error.status !== 400) throw error;
      return pages.render(ctx, 'payments', { ...view, errors: problemErrors(error) }, 400);
    }
    const next = list.next ? searchQuery({ ...form, cursor: list.next }) : undefined;
    await pages.render(ctx, 'payments', {
      ...view,
      list,
      nextHref: next ? `/payments?${next}` : undefined,
      firstHref: form.cursor ? `/payments?${searchQuery({ ...form, cursor: '' })}` : undefined,
    });
  });

  router.get('/payments/:paymentId', only, async (ctx) => {
    const { session } = operatorOf(ctx);
    const id = String(ctx.params.paymentId);
    if (!PAYMENT_ID.test(id)) {
      return paymentNotFound(ctx, pages);
    }
    const detail = await api.get<OperatorPaymentDetailJson>(session, `/operator/payments/${id}`);
    await pages.render(ctx, 'payment', {
      title: `Payment ${id}`,
      detail,
      payment: detail.payment,
      // After an action the page is shown again with ?done=<action> (an audit action name, never free text).
      done: typeof ctx.query.done === 'string' && ACTION_NAME.test(ctx.query.done) ? ctx.query.done : undefined,
    });
  });
}
