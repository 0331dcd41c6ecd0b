import type { Grant } from 'oidc-provider';
import type { ConsentedAccess, GrantRef } from './consent-store.js';

/**
 * `offline_access` (refresh tokens that outlive the session) is never remembered: a client that
 * asks for it is asked each time, as oidc-provider's author advises for stored consents.
 */
const NEVER_REMEMBERED = new Set(['offline_access']);

/**
 * Whether a client's consent is remembered: third-party confidential clients only. First-party
 * clients are not asked; a public client (no secret) is not sure to be who it says, so a citizen
 * is asked each time (as Ory Hydra does).
 */
export function remembersConsent(client: { [key: string]: unknown } | undefined): boolean {
  return client !== undefined && client.first_party !== true && client.tokenEndpointAuthMethod !== 'none';
}

/** What a Grant allows, in the shape a consent record keeps. */
export function grantedAccess(grant: Grant): ConsentedAccess {
  const scopes = (grant.openid?.scope ?? '').split(' ').filter((scope) => scope && !NEVER_REMEMBERED.has(scope));
  const resourceScopes = Object.entries(grant.resources ?? {}).flatMap(([resource, scope]) =>
    String(scope ?? '')
      .split(' ')
      .filter(Boolean)
      .map((one) => ({ resource, scope: one })),
  );
  return { scopes, claims: [...(grant.openid?.claims ?? [])], resourceScopes };
}

/** Adds a remembered consent to a Grant; true when the Grant gained anything. */
export function addConsentTo(grant: Grant, access: ConsentedAccess): boolean {
  const before = JSON.stringify([grant.openid, grant.resources]);
  if (access.scopes.length) grant.addOIDCScope(access.scopes.join(' '));
  if (access.claims.length) grant.addOIDCClaims(access.claims);
  for (const { resource, scope } of access.resourceScopes) grant.addResourceScope(resource, scope);
  return JSON.stringify([grant.openid, grant.resources]) !== before;
}

/**
 * A saved Grant's id and expiry, for the consent record. A Grant read from storage carries `exp`
 * (epoch seconds); one saved for the first time has only its lifetime (`expiration`, seconds).
 */
export function grantRef(grant: Grant, now: Date = new Date()): GrantRef {
  const expiresAt = grant.exp ? grant.exp * 1000 : now.getTime() + grant.expiration * 1000;
  return { id: String(grant.jti), expiresAt: new Date(expiresAt) };
}
