import type { Context } from 'koa';
import { ApiProblem } from '../api/hub-api.js';
import type { CheckoutAnswer } from '../api/types.js';
import type { PortalDeps } from '../deps.js';
import { field } from '../http/forms.js';
import { PortalError } from '../http/portal-error.js';
import { checkoutKey } from './idempotency.js';
import { sessionIdOf, sessionOf } from './signed-in.js';

/** Checkout problems with their own message (pay.errors.<code>); others get the generic one. */
const CHECKOUT_PROBLEMS = new Set([
  'bill_already_paid',
  'bill_payment_pending',
  'checkout_superseded',
  'bill_changed',
  'checkout_closed',
  'amount_not_allowed',
  'consumer_not_found',
  'account_not_found',
  'idempotency_key_reused',
]);

/** Why a checkout did not start: the message key (pay.errors.<code>) and the page's status. */
export interface CheckoutRefusal {
  code: string;
  status: number;
}

/**
 * One checkout of `lines` (POST /checkouts, Idempotency-Key from the session, the form's `attempt`
 * and the lines: a resubmitted form replays it), then a 303 to the gateway's hosted page. Returns
 * undefined once redirected, or the refusal to show (an API problem, or an unavailable gateway or
 * biller as `unavailable`); other errors are thrown. Every pay form (dashboard, bill lookup, a
 * demand's page) starts its checkout here.
 */
export async function startCheckout(
  ctx: Context,
  deps: PortalDeps,
  lines: unknown[],
): Promise<CheckoutRefusal | undefined> {
  const key = checkoutKey(sessionIdOf(ctx), field(ctx, 'attempt'), lines);
  try {
    const { body } = await deps.api.citizen<CheckoutAnswer>(sessionOf(ctx), '/checkouts', {
      method: 'POST',
      body: { lines },
      headers: { 'Idempotency-Key': key },
    });
    const target = new URL(body.checkoutUrl);
    if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error('checkout URL is not http(s)');
    ctx.status = 303;
    ctx.redirect(target.href);
    return undefined;
  } catch (error) {
    const unavailable = error instanceof PortalError && error.status === 503;
    if (!(error instanceof ApiProblem) && !unavailable) throw error;
    if (unavailable) return { code: 'unavailable', status: 503 };
    const problem = error as ApiProblem;
    return { code: CHECKOUT_PROBLEMS.has(problem.code) ? problem.code : 'generic', status: problem.status };
  }
}
