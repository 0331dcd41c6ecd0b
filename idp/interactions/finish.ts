import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import { APP_AMR, acrOf, acrToRecord, codeAmr } from '../provider/acr.js';
import { operatorAppPage } from '../views/login-pages.js';
import { type Interaction, type InteractionDeps, renderPage } from './context.js';
import type { LoginState } from './login-state.js';

/** Hands the result back to the provider and follows it to the next step (consent or the client). */
export async function finishInteraction(
  ctx: Context,
  deps: InteractionDeps,
  it: Interaction,
  result: InteractionResults,
): Promise<void> {
  const returnTo = await deps.provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: false,
  });
  await deps.states.clear(it.uid);
  ctx.status = 303;
  ctx.redirect(returnTo);
}

/**
 * The methods this login proved (RFC 8176 amr, see provider/acr.ts): the one-time code's
 * channel from the identifier proven in this interaction, or the session's methods when a
 * signed-in citizen only stepped up, then the authenticator app when `withApp`.
 */
export function loginAmr(state: LoginState, withApp: boolean): string[] {
  const first =
    'identifier' in state && state.identifier
      ? [codeAmr(state.identifier.kind)]
      : state.stage === 'totp'
        ? (state.priorAmr ?? [])
        : [];
  return [...new Set([...first, ...(withApp ? [APP_AMR] : [])])];
}

/**
 * Tells an operator at an operator console who has no authenticator app how to turn it on
 * (403). The interaction is not finished, so a code alone never signs an operator in there; it
 * goes back to its first step, so reloading or going back starts a new sign-in rather than
 * replaying a used code or a registration.
 */
export async function refuseOperatorWithoutApp(
  ctx: Context,
  deps: InteractionDeps,
  it: Interaction,
  accountId: string,
): Promise<void> {
  await deps.states.set(it.uid, { stage: 'identify' });
  deps.audit.warn({
    event: 'login_refused',
    reason: 'operator_without_app',
    accountId,
    client: it.details.params.client_id,
  });
  renderPage(ctx, operatorAppPage(it.form), 403);
}

/**
 * Signs the account in with the amr and acr this login reached (`withApp`: the authenticator
 * code was checked). When the client made an acr essential and this login satisfies none of its
 * values, the client gets `unmet_authentication_requirements` instead (provider/acr.ts). An
 * operator at an operator console without the app is not signed in: they are told how to enrol
 * (provider/operator-app.ts).
 */
export async function finishLogin(
  ctx: Context,
  deps: InteractionDeps,
  it: Interaction,
  accountId: string,
  withApp = false,
): Promise<void> {
  if (!withApp && (await deps.operatorAppRequired(String(it.details.params.client_id), accountId))) {
    return refuseOperatorWithoutApp(ctx, deps, it, accountId);
  }
  const amr = loginAmr(it.state, withApp);
  const acr = acrToRecord(acrOf(amr), it.details.params.claims);
  const client = it.details.params.client_id;
  if (!acr) {
    deps.audit.warn({ event: 'login_refused', reason: 'acr_unmet', accountId, amr, client, ip: ctx.ip });
    return finishInteraction(ctx, deps, it, {
      error: 'unmet_authentication_requirements',
      error_description: 'The requested authentication level could not be reached.',
    });
  }
  deps.audit.info({ event: 'login_succeeded', accountId, amr, acr, client, ip: ctx.ip });
  await finishInteraction(ctx, deps, it, { login: { accountId, amr, acr } });
}
