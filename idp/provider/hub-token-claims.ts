import type { Grant } from 'oidc-provider';
import { type Account, scopeOfClaim } from '../accounts/account-store.js';

/** The part of an oidc-provider Grant that says what the citizen allowed its client to know. */
export type IdentityGrant = Pick<Grant, 'getOIDCScope' | 'getOIDCClaims'>;

/**
 * Whether the citizen allowed this grant's client to know `claim`: the grant holds the claim's
 * scope (OpenID Connect Core §5.4, CLAIMS_BY_SCOPE: `phone` → phone_number, `email` → email,
 * `profile` → name) or the claim itself, asked for by name with the claims parameter (§5.5).
 * A consent page lists exactly these, so nothing is released that the citizen was not shown.
 */
export function grantAllowsClaim(grant: IdentityGrant, claim: string): boolean {
  const scope = scopeOfClaim(claim);
  const scopes = grant.getOIDCScope().split(' ');
  return (scope !== undefined && scopes.includes(scope)) || grant.getOIDCClaims().includes(claim);
}

/**
 * The identity claims of a citizen's access token for the hub (RFC 9068 §2.2.1 allows them),
 * which the hub prints on receipts and sends them to: each only if the grant allows it
 * (grantAllowsClaim), and a contact only once verified. A third party granted only the hub's
 * scopes gets none; the hub portal, which asks for `profile email phone`, gets all it holds.
 * Without a grant (none found) nothing is added.
 */
export function hubTokenIdentityClaims(
  account: Pick<Account, 'name' | 'email' | 'emailVerified' | 'phone' | 'phoneVerified'>,
  grant: IdentityGrant | undefined,
): Record<string, string> {
  if (!grant) return {};
  const allows = (claim: string) => grantAllowsClaim(grant, claim);
  return {
    ...(account.email && account.emailVerified && allows('email') ? { email: account.email } : {}),
    ...(account.phone && account.phoneVerified && allows('phone_number') ? { phone_number: account.phone } : {}),
    // The payer's name printed on receipts.
    ...(account.name && allows('name') ? { name: account.name } : {}),
  };
}
