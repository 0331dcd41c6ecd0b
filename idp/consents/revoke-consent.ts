import type Provider from 'oidc-provider';
import type { ConsentStore } from './consent-store.js';

/** What revoking a consent found and ended. */
export interface RevokedConsent {
  /** Whether a remembered consent was deleted (false: there was none, or it was already revoked). */
  forgotten: boolean;
  /** Grants ended with every token under them. */
  grants: number;
}

/**
 * Revokes what a citizen allowed a client: deletes the consent record first (so no new session
 * can build a Grant from it), then, for every Grant made under it (and `alsoGrantIds`, such as
 * the current session's), deletes its access tokens, refresh tokens and codes (the adapter's
 * revokeByGrantId) and the Grant itself. The next sign-in by that client asks for consent again.
 * Access tokens issued as JWTs (the hub's) are not stored, so they stay valid until they expire
 * (IDP_ACCESS_TOKEN_TTL_SECONDS); nothing can refresh them.
 */
export async function revokeConsent(
  provider: Provider,
  consents: ConsentStore,
  accountId: string,
  clientId: string,
  alsoGrantIds: string[] = [],
): Promise<RevokedConsent> {
  const record = await consents.forget(accountId, clientId);
  const grantIds = new Set([...(record?.grants ?? []).map((grant) => grant.id), ...alsoGrantIds]);
  let ended = 0;
  for (const grantId of grantIds) {
    const grant = await provider.Grant.find(grantId);
    // Only this citizen's grants for this client: a stale or foreign id is never touched.
    if (!grant || grant.accountId !== accountId || grant.clientId !== clientId) continue;
    await Promise.all([
      provider.AccessToken.revokeByGrantId(grantId),
      provider.RefreshToken.revokeByGrantId(grantId),
      provider.AuthorizationCode.revokeByGrantId(grantId),
    ]);
    await grant.destroy();
    ended++;
  }
  return { forgotten: record !== null, grants: ended };
}
