import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { Middleware } from 'koa';
import { AppError } from '../../infra/errors.js';

export interface Citizen {
  sub: string;
  scopes: Set<string>;
  clientId?: string;
  /** Verified contact the idp put in the token, for receipts. */
  email?: string;
  phone?: string;
  /** The citizen's name, when the idp put one in the token: shown on receipts. */
  name?: string;
}

declare module 'koa' {
  interface DefaultState {
    citizen?: Citizen;
  }
}

export interface AccessTokenOptions {
  issuer: string;
  audience: string;
  jwksUrl?: string;
}

/** 401 with the RFC 6750 challenge: the caller must get a (new) token. */
class InvalidTokenError extends AppError {
  constructor(detail: string) {
    super(401, 'invalid_token', detail);
  }
}

/** 403: a valid token that lacks the scope the route needs. */
class InsufficientScopeError extends AppError {
  constructor(readonly scope: string) {
    super(403, 'insufficient_scope', `this needs the ${scope} scope`);
  }
}

/**
 * Verifies the idp's RFC 9068 JWT access tokens with jose: signature against the idp's JWKS
 * (cached, refetched on an unknown key id), issuer, audience = this API, expiry, `at+jwt`.
 */
export function accessTokens(options: AccessTokenOptions) {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl ?? `${options.issuer}/jwks`), {
    timeoutDuration: 3_000,
    cooldownDuration: 30_000,
  });

  const authenticate: Middleware = async (ctx, next) => {
    const header = ctx.get('authorization');
    // The scheme is case-insensitive (RFC 7235 §2.1); the token is RFC 6750's b64token.
    const token = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(header)?.[1];
    try {
      if (!token) throw new InvalidTokenError('a Bearer access token is required');
      const { payload } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        audience: options.audience,
        typ: 'at+jwt',
        algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
      }).catch((error: unknown) => {
        if (error instanceof joseErrors.JOSEError) throw new InvalidTokenError('the access token is not valid here');
        throw error;
      });
      if (typeof payload.sub !== 'string') throw new InvalidTokenError('the access token names no subject');
      ctx.state.citizen = {
        sub: payload.sub,
        scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : []),
        clientId: typeof payload.client_id === 'string' ? payload.client_id : undefined,
        email: typeof payload.email === 'string' ? payload.email : undefined,
        phone: typeof payload.phone_number === 'string' ? payload.phone_number : undefined,
        name: typeof payload.name === 'string' ? payload.name : undefined,
      };
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        ctx.set('WWW-Authenticate', `Bearer error="invalid_token", error_description="${error.message}"`);
      }
      throw error;
    }
    await next();
  };

  /** Authenticates, then requires every listed scope. */
  const requireScopes =
    (...scopes: string[]): Middleware =>
    async (ctx, next) =>
      authenticate(ctx, async () => {
        const missing = scopes.find((scope) => !ctx.state.citizen?.scopes.has(scope));
        if (missing) {
          ctx.set('WWW-Authenticate', `Bearer error="insufficient_scope", scope="${scopes.join(' ')}"`);
          throw new InsufficientScopeError(missing);
        }
        await next();
      });

  return { authenticate, requireScopes, issuer: options.issuer, audience: options.audience };
}

/** The citizen a scoped route runs for; requireScopes guarantees it is set. */
export function citizenOf(state: { citizen?: Citizen }): Citizen {
  if (!state.citizen) throw new InvalidTokenError('a Bearer access token is required');
  return state.citizen;
}
