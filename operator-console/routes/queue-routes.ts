import type Router from '@koa/router';
import type { AuditEntryJson } from '../api/types.js';
import type { OperatorConsoleDeps } from '../deps.js';
import { operatorOf, operatorOnly } from '../http/operator.js';
import { actionRoutes } from './action-routes.js';
import {
  ageInWords,
  DISPOSITIONS,
  type HeldItemJson,
  type QueueJson,
  type ReconItemJson,
  type UnknownItemJson,
} from './work-types.js';

/** An audit action name (hub/operator/audit-log.ts), e.g. `recon_case.close`: the only text a notice repeats. */
export const ACTION_NAME = /^[a-z_]{1,40}\.[a-z_]{1,40}$/;
/** What the audit page's filters accept: ids and subjects, no spaces. */
const FILTER = /^[A-Za-z0-9_:.@+-]{1,200}$/;

/**
 * The work queues (unknown outcomes, refunds needing a person, reconciliation differences: each
 * oldest first with its count; a case closes from here) and the audit log of operators' actions,
 * filtered by subject, payment or operator; and the actions' forms (action-routes.ts), so the
 * whole area is one entry of ROUTE_GROUPS.
 */
export function queueRoutes(router: Router, deps: OperatorConsoleDeps): void {
  const { pages, api } = deps;
  const only = operatorOnly(pages);
  actionRoutes(router, deps);

  router.get('/queues', only, async (ctx) => {
    const { session } = operatorOf(ctx);
    const [unknown, held, recon] = await Promise.all([
      api.get<QueueJson<UnknownItemJson>>(session, '/operator/queues/unknown'),
      api.get<QueueJson<HeldItemJson>>(session, '/operator/queues/held'),
      api.get<QueueJson<ReconItemJson>>(session, '/operator/queues/recon'),
    ]);
    await pages.render(ctx, 'queues', {
      title: 'Queues',
      unknown,
      held,
      recon,
      age: ageInWords,
      dispositions: DISPOSITIONS,
      done: typeof ctx.query.done === 'string' && ACTION_NAME.test(ctx.query.done) ? ctx.query.done : undefined,
    });
  });

  router.get('/audit', only, async (ctx) => {
    const { session } = operatorOf(ctx);
    const form = {
      subject: String(ctx.query.subject ?? '').trim(),
      payment: String(ctx.query.payment ?? '').trim(),
      actor: String(ctx.query.actor ?? '').trim(),
    };
    const errors = (Object.keys(form) as (keyof typeof form)[])
      .filter((field) => form[field] && !FILTER.test(form[field]))
      .map((field) => ({ field, text: 'Enter an id without spaces (letters, digits and : . _ - @ +)' }));
    const view = { title: 'Audit log', form, filtered: Boolean(form.subject || form.payment || form.actor) };
    if (errors.length) return pages.render(ctx, 'audit', { ...view, errors }, 400);
    const query = new URLSearchParams({ limit: '200' });
    for (const [key, value] of Object.entries(form)) if (value) query.set(key, value);
    const { entries } = await api.get<{ entries: AuditEntryJson[] }>(session, '/operator/audit', query);
    await pages.render(ctx, 'audit', { ...view, entries });
  });
}
