import { decodeJwt } from 'jose';
import { RelyingParty } from '../../hub/portal/oidc/relying-party.js';
import type { PendingLogin, SessionTokens, SessionUser } from '../../hub/portal/session/session-store.js';
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
 * The hub portal's relying party (code flow with PKCE, state and nonce; refresh; RP-initiated
 * logout), asking also for the member's provider claims in the ID token and reading them after
 * sign-in. The ID token has been validated by then (openid-client: signature, iss, aud, nonce).
 */
export class MemberRelyingParty extends RelyingParty {
  constructor(options: ProviderPortalOptions, log: Logger) {
    super({ ...options.oidc, baseUrl: options.baseUrl, timeoutMs: options.timeoutMs }, log);
  }

  override async startLogin(returnTo: string, uiLocale: string): Promise<{ url: URL; login: PendingLogin }> {
    const started = await super.startLogin(returnTo, uiLocale);
    started.url.searchParams.set('claims', PROVIDER_CLAIMS_REQUEST);
    return started;
  }

  override async finishLogin(
    callbackUrl: URL,
    login: PendingLogin,
  ): Promise<{ user: MemberUser; tokens: SessionTokens }> {
    const { user, tokens } = await super.finishLogin(callbackUrl, login);
    const claims = tokens.idToken ? decodeJwt(tokens.idToken) : {};
    const id = typeof claims.provider_id === 'string' ? claims.provider_id : undefined;
    const name = typeof claims.provider_name === 'string' ? claims.provider_name : id;
    return { user: { ...user, ...(id && name ? { provider: { id, name } } : {}) }, tokens };
  }
}
