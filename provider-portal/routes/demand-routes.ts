import type Router from '@koa/router';
import type { Context } from 'koa';
import { field } from '../../hub/portal/http/forms.js';
import { PortalError } from '../../hub/portal/http/portal-error.js';
import { ApiProblem } from '../api/demands-api.js';
import type { DemandJson } from '../api/types.js';
import type { ProviderPortalDeps } from '../deps.js';
import { amendmentOf } from '../forms/amendment.js';
import { demandBodyOf, formValuesOf, readDemandForm } from '../forms/demand-form.js';
import { formErrorsOf } from '../forms/problem-errors.js';
import { memberOf, memberOnly } from '../http/member.js';
import type { FieldError } from '../http/pages.js';
import { FORM_SIZES } from './raise-routes.js';

/** A reference as the hub writes them (DM-XXXXX-XXXXX-C); anything else is a 404 without asking the hub. */
function referenceOf(ctx: Context): string {
  const reference = String(ctx.params.reference ?? '');
  if (!/^[A-Za-z0-9-]{4,40}$/.test(reference)) throw new PortalError(404, 'not_found', 'not a demand reference');
  return reference;
}

/** The reason field every cancel and amendment needs (the audit trail records it). */
function reasonOf(ctx: Context): { reason: string; errors: FieldError[] } {
  const reason = field(ctx, 'reason').trim();
  if (!reason)
    return { reason, errors: [{ field: 'reason', text: 'Enter the reason (it is kept in the audit trail)' }] };
  if (reason.length > 500)
    return { reason, errors: [{ field: 'reason', text: 'The reason must be at most 500 characters' }] };
  return { reason, errors: [] };
}

/** One demand: its page (instalments, payable today, audit trail), cancelling it, amending it. */
export function demandRoutes(router: Router, { pages, api }: ProviderPortalDeps): void {
  const member = memberOnly(pages);
  const show = (ctx: Context, demand: DemandJson, extra: Record<string, unknown> = {}, status = 200) =>
    pages.render(
      ctx,
      'demand',
      {
        title: `Demand ${demand.reference}`,
        demand,
        open: demand.status === 'open' || demand.status === 'partly_paid',
        raised: ctx.query.raised === '1',
        ...extra,
      },
      status,
    );

  router.get('/demands/:reference', member, async (ctx) => {
    const { session } = memberOf(ctx);
    await show(ctx, await api.get(session, referenceOf(ctx)));
  });

  router.post('/demands/:reference/cancel', member, async (ctx) => {
    const { session } = memberOf(ctx);
    const reference = referenceOf(ctx);
    const { reason, errors } = reasonOf(ctx);
    if (errors.length) return show(ctx, await api.get(session, reference), { errors, cancelReason: reason }, 400);
    try {
      await api.cancel(session, reference, reason);
    } catch (error) {
      if (!(error instanceof ApiProblem) || ![400, 409].includes(error.status)) throw error;
      const again = await api.get(session, reference);
      return show(ctx, again, { errors: formErrorsOf(error, 'reason'), cancelReason: reason }, error.status);
    }
    ctx.status = 303;
    ctx.redirect(`/demands/${encodeURIComponent(reference)}`);
  });

  router.get('/demands/:reference/amend', member, async (ctx) => {
    const { session } = memberOf(ctx);
    const demand = await api.get(session, referenceOf(ctx));
    // A paid or cancelled demand cannot be amended: say so rather than offer a form the hub refuses.
    const closed = demand.status === 'paid' || demand.status === 'cancelled';
    await pages.render(ctx, 'amend', {
      title: `Amend ${demand.reference}`,
      demand,
      closed,
      values: formValuesOf(demand),
      ...FORM_SIZES,
    });
  });

  router.post('/demands/:reference/amend', member, async (ctx) => {
    const { session } = memberOf(ctx);
    const demand = await api.get(session, referenceOf(ctx));
    const values = readDemandForm(ctx);
    const { reason, errors: reasonErrors } = reasonOf(ctx);
    const { body, errors: formErrors } = demandBodyOf(values);
    const again = (errors: FieldError[], status = 400) =>
      pages.render(
        ctx,
        'amend',
        { title: `Amend ${demand.reference}`, demand, values, reason, errors, ...FORM_SIZES },
        status,
      );
    if (reasonErrors.length || formErrors.length) return again([...formErrors, ...reasonErrors]);
    const changes = amendmentOf(demand, body);
    if (!Object.keys(changes).length) return again([{ field: 'title', text: 'Nothing was changed' }]);
    try {
      await api.amend(session, demand.reference, { ...changes, reason, expectedVersion: demand.version });
    } catch (error) {
      if (!(error instanceof ApiProblem) || ![400, 409, 422].includes(error.status)) throw error;
      return again(formErrorsOf(error, 'title'), error.status);
    }
    ctx.status = 303;
    ctx.redirect(`/demands/${encodeURIComponent(demand.reference)}`);
  });
}
