import type { SessionUser } from '../../hub/portal/session/session-store.js';
import { StaffRelyingParty } from '../../hub/portal/staff/relying-party.js';
import type { Logger } from '../../infra/logger.js';
import type { ProviderPortalOptions } from '../options.js';

/** The organisation a member acts for, from the ID token's provider claims. */
export interface MemberProvider {
  id: string;
  name: string;
}

/** A signed-in person of this portal: the hub portal's session user plus their organisation, if any. */
export interface MemberUser extends SessionUser {
  /** Absent for a person who is not a member of a provider organisation. */
  provider?: MemberProvider;
}

/**
 * The claims parameter (OpenID Connect Core §5.5) asking for the provider claims in the ID
 * token: in the code flow the idp puts scope claims only in userinfo, and userinfo does not take
 * a token meant for the hub API.
 */
export const PROVIDER_CLAIMS_REQUEST = JSON.stringify({ id_token: { provider_id: null, provider_name: null } });

/**
 * The staff portals' relying party (hub/portal/staff/relying-party.ts), asking also for the
 * member's provider claims in the ID token and reading them after sign-in.
 */
export class MemberRelyingParty extends StaffRelyingParty<MemberUser> {
  constructor(options: ProviderPortalOptions, log: Logger) {
    super(options, log, { claims: PROVIDER_CLAIMS_REQUEST }, (claims) => {
      const id = typeof claims.provider_id === 'string' ? claims.provider_id : undefined;
      const name = typeof claims.provider_name === 'string' ? claims.provider_name : id;
      return id && name ? { provider: { id, name } } : {};
    });
  }
}
