import { createRemoteJWKSet, customFetch, type JWTPayload, jwtVerify } from 'jose';
import type { Redis } from '../../../infra/redis.js';
import type { RelyingParty } from './relying-party.js';

/** The event a logout token must carry (OpenID Connect Back-Channel Logout 1.0 §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** A logout token that failed validation; the endpoint answers 400 invalid_request with it. */
export class LogoutTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogoutTokenError';
  }
}

/** Which sessions a valid logout token ends: an idp session (`sid`), a citizen (`sub`), or both. */
export interface LogoutClaims {
  sid?: string;
  sub?: string;
}

/** How old a logout token's `iat` may be; a replayed `jti` is refused for at least this long. */
const MAX_AGE_SECONDS = 300;

/**
 * Validates a back-channel logout token as OpenID Connect Back-Channel Logout 1.0 §2.6 says:
 * a JWT signed by the idp's keys (no `none`, no HMAC), `iss` = the idp, `aud` = this client,
 * `iat` present and recent, `sub` and/or `sid`, an `events` claim with the back-channel logout
 * member as a JSON object, and no `nonce`. A `jti` already seen is refused (replay; §2.6 step 6),
 * remembered in Redis for longer than a token may live. Throws LogoutTokenError.
 */
export class LogoutTokenVerifier {
  private jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    private readonly rp: RelyingParty,
    private readonly redis: Redis,
    private readonly timeoutMs: number,
  ) {}

  async verify(token: unknown): Promise<LogoutClaims> {
    if (typeof token !== 'string' || token === '') throw new LogoutTokenError('logout_token is required');
    this.jwks ??= createRemoteJWKSet(new URL(await this.rp.jwksUri()), {
      timeoutDuration: this.timeoutMs,
      [customFetch]: this.rp.idpFetch,
    });
    let payload: JWTPayload;
    let typ: string | undefined;
    try {
      ({
        payload,
        protectedHeader: { typ },
      } = await jwtVerify(token, this.jwks, {
        issuer: this.rp.issuer,
        audience: this.rp.clientId,
        algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
        requiredClaims: ['iat', 'jti'],
        maxTokenAge: MAX_AGE_SECONDS,
        clockTolerance: 30,
      }));
    } catch (error) {
      throw new LogoutTokenError(`logout token not valid: ${(error as Error).message}`);
    }
    // Explicit typing (§2.4) keeps another kind of JWT from the idp from passing as a logout token.
    if (typ !== undefined && !['logout+jwt', 'jwt'].includes(typ.toLowerCase())) {
      throw new LogoutTokenError(`a ${typ} is not a logout token`);
    }
    const events = payload.events as Record<string, unknown> | undefined;
    const event = events?.[BACKCHANNEL_LOGOUT_EVENT];
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw new LogoutTokenError('logout token has no back-channel logout event');
    }
    if ('nonce' in payload) throw new LogoutTokenError('a logout token must not carry a nonce');
    const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
    const sub = typeof payload.sub === 'string' ? payload.sub : undefined;
    if (!sid && !sub) throw new LogoutTokenError('logout token names neither sid nor sub');
    const fresh = await this.redis.set(`portal:logout-jti:${payload.jti}`, '1', 'EX', MAX_AGE_SECONDS * 2, 'NX');
    if (fresh !== 'OK') throw new LogoutTokenError('logout token already used (jti replay)');
    return { ...(sid ? { sid } : {}), ...(sub ? { sub } : {}) };
  }
}
