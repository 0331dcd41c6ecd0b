import type { Identity } from './idp-pages.js';

/**
 * The provider organisation of the browser stack, as its idp's roles file names it: its id (the
 * `provider_id` claim and the demands' provider at the hub) and display name (`provider_name`).
 */
export const PROVIDER = { id: 'city-halls', name: 'City Community Halls' } as const;

/** The one member of PROVIDER: a person who signs in to the provider portal with this mobile number. */
export const PROVIDER_MEMBER: Identity = { identifier: '98000 00041', to: '+919800000041', name: 'Meera Nair' };

/** The provider portal's client at the idp (as `npm start` registers it). */
export const PROVIDER_PORTAL_CLIENT_ID = 'partner-portal';

/**
 * The idp's roles file (idp/roles.example.json's shape, checked by idp/roles/roles-file.ts):
 * PROVIDER_MEMBER is a member of PROVIDER, and the provider portal's client may ask for the
 * provider claims and the hub's demand scopes for a member.
 */
export function providerRolesFile(): object {
  return {
    roles: { provider: { portals: [PROVIDER_PORTAL_CLIENT_ID] } },
    organisations: [{ role: 'provider', ...PROVIDER, members: [PROVIDER_MEMBER.to] }],
  };
}
