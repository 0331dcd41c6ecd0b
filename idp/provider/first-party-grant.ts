import type { Grant, KoaContextWithOIDC } from 'oidc-provider';
import type { ConsentStore } from '../consents/consent-store.js';
import { addConsentTo, grantRef, remembersConsent } from '../consents/granted-access.js';

/** Static clients marked `first_party: true` in the clients file (never a registered one). */
export function isFirstParty(client: { [key: string]: unknown } | undefined): boolean {
  return client?.first_party === true;
}

/** Whatever the request asks for, granted on the spot: first-party clients are not asked (unless they send prompt=consent themselves). */
async function grantEverything(ctx: KoaContextWithOIDC, existing: Grant | undefined, accountId: string) {
  const { oidc } = ctx;
  const clientId = String(oidc.client?.clientId);
  const grant = existing ?? new oidc.provider.Grant({ clientId, accountId });
  grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
  const claims = [...oidc.requestParamClaims];
  if (claims.length) grant.addOIDCClaims(claims);
  for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {})) {
    const scopes = [...oidc.requestParamScopes].filter((scope) => server.scopes.has(scope));
    if (scopes.length) grant.addResourceScope(indicator, scopes.join(' '));
  }
  await grant.save();
  return grant;
}

/**
 * The provider's grant lookup (`loadExistingGrant`). First-party clients skip consent: whatever
 * they ask for is granted on the spot. A third-party client gets this session's Grant, plus what
 * the citizen allowed it in earlier sessions (the remembered consent, consent-store.ts): in a
 * new session a Grant is made from that consent, so the citizen is asked only for what the
 * client never had (or again with `prompt=consent`). No Grant sends the citizen to consent.
 */
export function existingGrantLoader(consents: ConsentStore) {
  return async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
    const { oidc } = ctx;
    const client = oidc.client;
    const accountId = oidc.session?.accountId;
    if (!client || !oidc.session || !accountId) return undefined;
    const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(client.clientId);
    const found = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    // A Grant of another citizen (a different sign-in in this browser) is not this one's.
    const existing = found?.accountId === accountId ? found : undefined;
    const metadata = client as unknown as Record<string, unknown>;
    if (isFirstParty(metadata)) return grantEverything(ctx, existing, accountId);
    if (!remembersConsent(metadata)) return existing;

    const consent = await consents.find(accountId, client.clientId);
    if (!consent) return existing;
    const grant = existing ?? new oidc.provider.Grant({ clientId: client.clientId, accountId });
    if (!addConsentTo(grant, consent) && existing) return existing;
    await grant.save();
    // Revoked between the read and now: this Grant must not outlive the consent it came from.
    if (!(await consents.attachGrant(accountId, client.clientId, grantRef(grant)))) {
      await grant.destroy();
      return undefined;
    }
    return grant;
  };
}
