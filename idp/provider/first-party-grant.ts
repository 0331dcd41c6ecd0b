import type { Grant, KoaContextWithOIDC } from 'oidc-provider';

/** Static clients marked `first_party: true` in the clients file (never a registered one). */
export function isFirstParty(client: { [key: string]: unknown } | undefined): boolean {
  return client?.first_party === true;
}

/**
 * The provider's grant lookup, extended so first-party clients skip consent: whatever they
 * ask for is granted on the spot. Third-party clients get the stored grant, or none, which
 * sends the citizen to the consent page.
 */
export async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { oidc } = ctx;
  const client = oidc.client;
  const session = oidc.session;
  if (!client || !session) return undefined;
  const grantId = oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (!isFirstParty(client as unknown as Record<string, unknown>)) return existing;

  const grant = existing ?? new oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
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
