import type { StaffPortalDeps } from '../hub/portal/staff/app.js';
import type { DemandsApi } from './api/demands-api.js';
import type { Pages } from './http/pages.js';
import type { MemberRelyingParty } from './oidc/member-relying-party.js';
import type { ProviderPortalOptions } from './options.js';

/** What the portal's route groups share: the staff portals' dependencies with the demands API. */
export type ProviderPortalDeps = StaffPortalDeps<ProviderPortalOptions, Pages, DemandsApi, MemberRelyingParty>;
