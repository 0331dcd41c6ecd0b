import type { TFunction } from 'i18next';
import type { Logger } from '../../infra/logger.js';
import type { Locale } from '../../infra/web/locale.js';
import type { SettingsStore } from '../citizen-settings/settings-store.js';
import type { BillerDirectory } from './api/biller-directory.js';
import type { HubApi } from './api/hub-api.js';
import type { PageRenderer } from './http/render.js';
import type { LogoutTokenVerifier } from './oidc/logout-token.js';
import type { RelyingParty } from './oidc/relying-party.js';
import type { PortalOptions } from './options.js';
import type { SessionStore } from './session/session-store.js';

/** What the portal's route groups share. */
export interface PortalDeps {
  options: PortalOptions;
  pages: PageRenderer;
  api: HubApi;
  billers: BillerDirectory;
  rp: RelyingParty;
  logoutTokens: LogoutTokenVerifier;
  sessions: SessionStore;
  settings: SettingsStore;
  translator: (locale: Locale) => TFunction;
  /** Cookies get Secure (and the session cookie the __Host- name) when the portal is on https. */
  secure: boolean;
  log: Logger;
}
