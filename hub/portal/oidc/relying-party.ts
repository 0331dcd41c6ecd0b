import * as oidc from 'openid-client';
import type { Logger } from '../../../infra/logger.js';
import { PortalError, SignInRequired } from '../http/portal-error.js';
import type { PortalOptions } from '../options.js';
import type { PendingLogin, SessionTokens, SessionUser } from '../session/session-store.js';
import { idpFetch, isLoopbackHttp } from './idp-fetch.js';

/** Callback, post-logout and back-channel paths, as registered at the idp (idp/clients.example.json). */
export const CALLBACK_PATH = '/auth/callback';
export const BACKCHANNEL_LOGOUT_PATH = '/auth/backchannel-logout';

/**
 * The portal as an OpenID Connect relying party (openid-client v6): authorization code flow
 * with PKCE S256, state and nonce, for the hub API as resource (RFC 8707); token refresh;
 * RP-initiated logout. The idp's metadata is discovered on first use (with a timeout) and kept;
 * a failed discovery is tried again on the next request, so the hub starts while the idp is down.
 * Plain http is allowed only for an idp on this machine (development and tests).
 */
export class RelyingParty {
  private configuration?: Promise<oidc.Configuration>;
  private readonly fetch: typeof fetch;

  constructor(
    private readonly options: PortalOptions['oidc'] & { baseUrl: string; timeoutMs: number },
    private readonly log: Logger,
  ) {
    this.fetch = idpFetch(options.issuer, options.internalUrl);
  }

  /** False when no client secret is configured: signing in is not set up. */
  get configured(): boolean {
    return Boolean(this.options.clientSecret);
  }

  get redirectUri(): string {
    return `${this.options.baseUrl}${CALLBACK_PATH}`;
  }

  /** The idp's metadata and this client; throws PortalError(503) when the idp cannot be reached. */
  async config(): Promise<oidc.Configuration> {
    if (!this.options.clientSecret) throw new PortalError(503, 'not_configured', 'HUB_OIDC_CLIENT_SECRET is not set');
    this.configuration ??= this.discover(this.options.clientSecret).catch((error: unknown) => {
      this.configuration = undefined;
      this.log.warn({ err: error }, 'idp discovery failed');
      throw new PortalError(503, 'unavailable', `idp discovery failed: ${(error as Error).message}`);
    });
    return this.configuration;
  }

  private discover(secret: string): Promise<oidc.Configuration> {
    const insecure = isLoopbackHttp(this.options.issuer);
    return oidc.discovery(
      new URL(this.options.issuer),
      this.options.clientId,
      undefined,
      // The idp's static clients authenticate with client_secret_basic (idp/provider/clients.ts).
      oidc.ClientSecretBasic(secret),
      {
        timeout: Math.ceil(this.options.timeoutMs / 1000),
        execute: [
          ...(insecure ? [oidc.allowInsecureRequests] : []),
          (config: oidc.Configuration) => {
            config[oidc.customFetch] = this.fetch;
          },
        ],
        [oidc.customFetch]: this.fetch,
      },
    );
  }

  /** A new sign-in: the idp URL to send the browser to, and what the callback must match. */
  async startLogin(returnTo: string, uiLocale: string): Promise<{ url: URL; login: PendingLogin }> {
    const config = await this.config();
    const verifier = oidc.randomPKCECodeVerifier();
    const login: PendingLogin = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier, returnTo };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: this.options.scope,
      resource: this.options.resource,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: login.state,
      nonce: login.nonce,
      ui_locales: uiLocale,
    });
    return { url, login };
  }

  /**
   * Completes a sign-in from the callback URL: checks state, exchanges the code with the PKCE
   * verifier, validates the ID token (signature, iss, aud, nonce). Throws PortalError(400) for a
   * refused or tampered callback, PortalError(503) when the idp cannot be reached.
   */
  async finishLogin(callbackUrl: URL, login: PendingLogin): Promise<{ user: SessionUser; tokens: SessionTokens }> {
    const config = await this.config();
    try {
      const response = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: login.verifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      const claims = response.claims();
      if (!claims) throw new Error('no ID token');
      return {
        user: {
          sub: claims.sub,
          ...(typeof claims.sid === 'string' ? { sid: claims.sid } : {}),
          ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
          verified: {
            email: typeof claims.email === 'string' && claims.email_verified === true,
            phone: typeof claims.phone_number === 'string' && claims.phone_number_verified === true,
          },
        },
        tokens: tokensOf(response),
      };
    } catch (error) {
      throw asPortalError(error, 'sign_in_failed');
    }
  }

  /**
   * New tokens for a refresh token (the idp rotates it on every use). A refused refresh (revoked,
   * expired, logged out) is SignInRequired; an unreachable idp is PortalError(503).
   */
  async refresh(current: SessionTokens): Promise<SessionTokens> {
    if (!current.refreshToken) throw new SignInRequired('no refresh token');
    const config = await this.config();
    try {
      const response = await oidc.refreshTokenGrant(config, current.refreshToken);
      return { ...tokensOf(response), idToken: response.id_token ?? current.idToken };
    } catch (error) {
      if (error instanceof oidc.ResponseBodyError) throw new SignInRequired(`refresh refused: ${error.error}`);
      throw asPortalError(error, 'unavailable');
    }
  }

  /** Where to send the browser to end the idp session too (RP-initiated logout 1.0), if the idp offers it. */
  async endSessionUrl(idToken: string | undefined): Promise<URL | undefined> {
    const config = await this.config().catch(() => undefined);
    if (!config?.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(config, {
      post_logout_redirect_uri: `${this.options.baseUrl}/`,
      client_id: this.options.clientId,
      ...(idToken ? { id_token_hint: idToken } : {}),
    });
  }

  /** The idp's signing keys' URL, from its metadata. */
  async jwksUri(): Promise<string> {
    const uri = (await this.config()).serverMetadata().jwks_uri;
    if (!uri) throw new PortalError(503, 'unavailable', 'the idp publishes no jwks_uri');
    return uri;
  }

  get issuer(): string {
    return this.options.issuer;
  }

  get clientId(): string {
    return this.options.clientId;
  }

  get idpFetch(): typeof fetch {
    return this.fetch;
  }
}

function tokensOf(response: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): SessionTokens {
  const expiresIn = response.expiresIn() ?? 60;
  return {
    accessToken: response.access_token,
    accessExpiresAt: Date.now() + expiresIn * 1000,
    ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
    ...(response.id_token ? { idToken: response.id_token } : {}),
  };
}

/** Protocol refusals are the citizen's sign-in failing (400); anything else is the idp being unreachable (503). */
function asPortalError(error: unknown, kind: 'sign_in_failed' | 'unavailable'): PortalError {
  if (error instanceof PortalError) return error;
  const refused =
    error instanceof oidc.AuthorizationResponseError ||
    error instanceof oidc.ResponseBodyError ||
    (error instanceof Error && 'code' in error && String((error as { code: unknown }).code).startsWith('OAUTH_'));
  return refused
    ? new PortalError(400, 'sign_in_failed', (error as Error).message)
    : new PortalError(503, kind === 'sign_in_failed' ? 'unavailable' : kind, (error as Error).message);
}
