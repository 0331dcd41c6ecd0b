import type Provider from 'oidc-provider';
import type { Consent } from './consent-store.js';

/**
 * Whether a client still holds offline access under a consent: some live Grant made under it
 * (this citizen's, this client's) carries `offline_access`. That scope is asked each time and
 * never stored in the consent record, but its Grant (and the refresh tokens under it) outlives
 * sign-out, so the connected services page must show it until the citizen revokes it.
 */
export async function holdsOfflineAccess(provider: Provider, consent: Consent, now = new Date()): Promise<boolean> {
  for (const ref of consent.grants) {
    if (ref.expiresAt <= now) continue;
    const grant = await provider.Grant.find(ref.id);
    if (!grant || grant.accountId !== consent.accountId || grant.clientId !== consent.clientId) continue;
    if (grant.getOIDCScope().split(' ').includes('offline_access')) return true;
  }
  return false;
}
