import { randomBytes } from 'node:crypto';
import type Router from '@koa/router';
import { todayInIndia } from '../../hub/bills/indian-day.js';
import { field } from '../../hub/portal/http/forms.js';
import { ApiProblem } from '../api/demands-api.js';
import type { ProviderPortalDeps } from '../deps.js';
import { demandBodyOf, FORM_INSTALMENTS, FORM_LINES, readDemandForm } from '../forms/demand-form.js';
import { formErrorsOf } from '../forms/problem-errors.js';
import { memberOf, memberOnly } from '../http/member.js';

/** A fresh idempotency key for one form: sending the same form twice raises one demand. */
const formKey = () => `form-${randomBytes(16).toString('base64url')}`;

/** Shared by the raise and amend pages: how many lines and instalments the form shows. */
export const FORM_SIZES = {
  lineNumbers: Array.from({ length: FORM_LINES }, (_, i) => i + 1),
  instalmentNumbers: Array.from({ length: FORM_INSTALMENTS }, (_, i) => i + 1),
};

/** Raise one demand: the form, and its answer (the new demand's page, or the form with every error). */
export function raiseRoutes(router: Router, { pages, api }: ProviderPortalDeps): void {
  const member = memberOnly(pages);

  router.get('/demands/new', member, async (ctx) => {
    await pages.render(ctx, 'new-demand', { title: 'Raise a demand', values: {}, key: formKey(), ...FORM_SIZES });
  });

  router.post('/demands/new', member, async (ctx) => {
    const { session } = memberOf(ctx);
    const values = readDemandForm(ctx);
    const key = /^form-[\w-]{16,64}$/.test(field(ctx, 'key')) ? field(ctx, 'key') : formKey();
    const { body, errors } = demandBodyOf(values, { today: todayInIndia() });
    const again = (list: typeof errors) =>
      pages.render(ctx, 'new-demand', { title: 'Raise a demand', values, key, errors: list, ...FORM_SIZES }, 400);
    if (errors.length) return again(errors);
    try {
      const demand = await api.create(session, body, key);
      ctx.status = 303;
      ctx.redirect(`/demands/${encodeURIComponent(demand.reference)}?raised=1`);
    } catch (error) {
      if (!(error instanceof ApiProblem) || ![400, 422].includes(error.status)) throw error;
      await again(formErrorsOf(error, 'payerPhone'));
    }
  });
}
