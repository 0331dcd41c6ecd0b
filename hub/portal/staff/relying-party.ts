import { decodeJwt, type JWTPayload } from 'jose';
import type { Logger } from '../../../infra/logger.js';
import { RelyingParty } from '../oidc/relying-party.js';
import type { PendingLogin, SessionTokens, SessionUser } from '../session/session-store.js';
import type { StaffPortalOptions } from './options.js';

/**
 * The hub portal's relying party (code flow with PKCE, state and nonce; refresh; RP-initiated
 * logout) for a staff portal: it adds the portal's `params` to the authorization request (the
 * claims parameter, OpenID Connect Core §5.5, asking for the portal's claims in the ID token) and,
 * after sign-in, adds to the session user what `staffOf` reads in the ID token's claims. The ID
 * token has been validated by then (openid-client: signature, iss, aud, nonce).
 */
export class StaffRelyingParty<U extends SessionUser> extends RelyingParty {
  constructor(
    options: StaffPortalOptions,
    log: Logger,
    private readonly params: Record<string, string>,
    private readonly staffOf: (claims: JWTPayload) => Partial<Omit<U, keyof SessionUser>>,
  ) {
    super({ ...options.oidc, baseUrl: options.baseUrl, timeoutMs: options.timeoutMs }, log);
  }

  override async startLogin(returnTo: string, uiLocale: string): Promise<{ url: URL; login: PendingLogin }> {
    const started = await super.startLogin(returnTo, uiLocale);
    for (const [name, value] of Object.entries(this.params)) started.url.searchParams.set(name, value);
    return started;
  }

  override async finishLogin(callbackUrl: URL, login: PendingLogin): Promise<{ user: U; tokens: SessionTokens }> {
    const { user, tokens } = await super.finishLogin(callbackUrl, login);
    const claims = tokens.idToken ? decodeJwt(tokens.idToken) : {};
    return { user: { ...user, ...this.staffOf(claims) } as U, tokens };
  }
}
