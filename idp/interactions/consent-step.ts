import type { Context } from 'koa';
import { grantedAccess, grantRef, remembersConsent } from '../consents/granted-access.js';
import type { Interaction, InteractionDeps } from './context.js';
import { finishInteraction } from './finish.js';

interface ConsentDetails {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

/**
 * POST consent: grants a third-party client what it asked for, on top of any earlier grant, and
 * remembers the consent (consent-store.ts) when the client is one whose consent is kept.
 */
export async function grantConsent(ctx: Context, deps: InteractionDeps, it: Interaction): Promise<void> {
  const { details } = it;
  if (details.prompt.name !== 'consent' || !details.session) return finishInteraction(ctx, deps, it, {});
  const { Grant } = deps.provider;
  const grant =
    (details.grantId ? await Grant.find(details.grantId) : undefined) ??
    new Grant({ accountId: details.session.accountId, clientId: String(details.params.client_id) });
  const missing = details.prompt.details as ConsentDetails;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  const { accountId } = details.session;
  const clientId = String(details.params.client_id);
  // Remembered for later sessions until the citizen revokes it on the account page.
  const client = await deps.provider.Client.find(clientId);
  const remembered = remembersConsent(client as unknown as Record<string, unknown> | undefined);
  if (remembered) await deps.consents.remember(accountId, clientId, grantedAccess(grant), grantRef(grant));
  deps.audit.info({ event: 'consent_granted', accountId, client: clientId, remembered });
  await finishInteraction(ctx, deps, it, { consent: { grantId } });
}

/** POST abort: the citizen gave up; the client receives access_denied. */
export async function abort(ctx: Context, deps: InteractionDeps, it: Interaction): Promise<void> {
  deps.audit.info({
    event: 'interaction_aborted',
    client: it.details.params.client_id,
    prompt: it.details.prompt.name,
  });
  await finishInteraction(ctx, deps, it, {
    error: 'access_denied',
    error_description: 'The citizen cancelled the sign-in.',
  });
}
