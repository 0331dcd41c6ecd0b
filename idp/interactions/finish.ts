import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import type { Interaction, InteractionDeps } from './context.js';

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

export async function finishLogin(
  ctx: Context,
  deps: InteractionDeps,
  it: Interaction,
  accountId: string,
  amr: string[],
): Promise<void> {
  deps.audit.info({ event: 'login_succeeded', accountId, amr, client: it.details.params.client_id, ip: ctx.ip });
  await finishInteraction(ctx, deps, it, { login: { accountId, amr } });
}
