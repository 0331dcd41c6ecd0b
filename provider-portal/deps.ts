import type { LogoutTokenVerifier } from '../hub/portal/oidc/logout-token.js';
import type { SessionStore } from '../hub/portal/session/session-store.js';
import type { Logger } from '../infra/logger.js';
import type { DemandsApi } from './api/demands-api.js';
import type { Pages } from './http/pages.js';
import type { MemberRelyingParty } from './oidc/member-relying-party.js';
import type { ProviderPortalOptions } from './options.js';

/** What the portal's route groups share. */
export interface ProviderPortalDeps {
  options: ProviderPortalOptions;
  pages: Pages;
  api: DemandsApi;
  rp: MemberRelyingParty;
  logoutTokens: LogoutTokenVerifier;
  sessions: SessionStore;
  log: Logger;
}
