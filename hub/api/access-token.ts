import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { Middleware } from 'koa';
import { AppError } from '../../infra/errors.js';

/**
 * Who an access token speaks for: a `citizen` signed in at the idp (authorization code flow);
 * a `member`, a person signed in at the idp acting for the provider organisation the token names
 * (`provider_id`, issued only to a provider portal: idp/roles/provider-claims.ts); or a `client`
 * calling for itself (client credentials: a service provider's bulk API); or an `operator`, a
 * person the idp's roles file makes an operator, signed in at the operator console with the
 * authenticator app (`roles` claim holding "operator", acr code-and-app). Each route names the
 * kinds it accepts (RouteSpec.callers).
 */
export type TokenKind = 'citizen' | 'member' | 'client' | 'operator';

/** The caller of a route with a token, of either kind. */
export interface Caller {
  kind: TokenKind;
  /** The citizen's subject, or for a client its client id. */
  sub: string;
  scopes: Set<string>;
  clientId?: string;
  /**
   * A client's display name, from the idp's `client_name` claim (idp/provider/client-credentials.ts):
   * how a service provider is named to payers. Absent for a citizen's token or a nameless client.
   */
  clientName?: string;
  /**
   * The provider organisation the token acts for (`provider_id`/`provider_name` claims): always
   * for a member, for a client only when the idp's roles file ties it to one.
   */
  providerId?: string;
  providerName?: string;
  /**
   * A member or operator in human terms, for audit trails (memberLabel): their name, else their masked
   * verified phone or email, from the token's identity claims. Absent when the token has none.
   */
  label?: string;
}

/**
 * The authentication level an operator's token must carry: a one-time code and then the
 * authenticator app (the idp's `urn:citizen-billpay:acr:code-and-app`, idp/provider/acr.ts),
 * which the idp requires of operators at the operator console (idp/provider/operator-app.ts).
 */
export const OPERATOR_ACR = 'urn:citizen-billpay:acr:code-and-app';

/** "+91 ******0001": enough for colleagues to recognise a number, not to harvest it. */
const maskedPhone = (phone: string) => `${phone.slice(0, 3)} ******${phone.slice(-4)}`;
/** "ha***@example.org". */
const maskedEmail = (email: string) => {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 2)}***@${domain}`;
};

/**
 * How a member is named in a demand's audit trail: the `name` claim (profile scope), else the
 * masked `phone_number`, else the masked `email` (the idp adds each to a provider portal's hub
 * token only when the member has it, verified: idp/provider/hub-token-claims.ts). At most 100
 * characters; undefined when the token carries none of them.
 */
export function memberLabel(payload: { name?: unknown; phone_number?: unknown; email?: unknown }): string | undefined {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  const name = text(payload.name);
  const phone = text(payload.phone_number);
  const email = text(payload.email);
  const label = name ?? (phone ? maskedPhone(phone) : email ? maskedEmail(email) : undefined);
  return label?.slice(0, 100);
}

/** The citizen behind a citizen's token (absent for a client's token). */
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
    caller?: Caller;
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

/**
 * 401 insufficient_user_authentication (RFC 9470 §3): an operator's token from a sign-in without
 * the authenticator app. The challenge names the level needed (`acr_values`), so the console can
 * send the operator to sign in again with the app.
 */
class InsufficientUserAuthenticationError extends AppError {
  constructor() {
    super(
      401,
      'insufficient_user_authentication',
      'an operator must sign in with the authenticator app: this token comes from a sign-in without it',
    );
  }
}

/** 403: a valid token that lacks the scope the route needs. */
class InsufficientScopeError extends AppError {
  constructor(readonly scope: string) {
    super(403, 'insufficient_scope', `this needs the ${scope} scope`);
  }
}

/** 403: a valid token of a kind the route does not accept (a client's on a citizen's route, or the reverse). */
class WrongTokenKindError extends AppError {
  constructor(accepted: readonly TokenKind[]) {
    super(
      403,
      'wrong_token_kind',
      accepted.includes('operator') && accepted.length === 1
        ? 'this route is for an operator signed in at the operator console with the authenticator app'
        : accepted.includes('citizen')
          ? "this route acts for a signed-in citizen: a client's own token (client credentials) or a provider member's cannot call it"
          : accepted.includes('member')
            ? "this route acts for a service provider: a provider member's token or a client's own token, not a citizen's"
            : "this route is for a client's own token (client credentials), not a citizen's",
    );
  }
}

/**
 * The idp marks a client credentials token with `gty: client_credentials` and makes the client
 * its subject (idp/provider/client-credentials.ts); a citizen's token has neither. Both must
 * agree, so a token that says one and looks like the other is refused rather than guessed.
 */
function tokenKindOf(payload: {
  sub?: string;
  client_id?: unknown;
  gty?: unknown;
  provider_id?: unknown;
  roles?: unknown;
}): TokenKind {
  if (payload.gty === 'client_credentials') {
    if (payload.sub !== payload.client_id) throw new InvalidTokenError("the client's token names another subject");
    return 'client';
  }
  if (payload.gty !== undefined) throw new InvalidTokenError('the access token comes from an unknown grant');
  if (payload.sub === payload.client_id) throw new InvalidTokenError('the access token names its client as a citizen');
  // The idp names the operator role only in an operator console's token (idp/roles/operator-claims.ts).
  if (Array.isArray(payload.roles) && payload.roles.includes('operator')) {
    if (payload.provider_id !== undefined)
      throw new InvalidTokenError('the access token names an operator and a provider');
    return 'operator';
  }
  // A person's token naming a provider acts for it; the idp puts the claim in no citizen's token.
  return payload.provider_id !== undefined ? 'member' : 'citizen';
}

/** The provider claims of a token, trimmed; a malformed pair is refused rather than half-used. */
function providerOfPayload(payload: { provider_id?: unknown; provider_name?: unknown }) {
  if (payload.provider_id === undefined) return {};
  const id = typeof payload.provider_id === 'string' ? payload.provider_id.trim() : '';
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(id)) throw new InvalidTokenError('the access token names a malformed provider');
  const name = typeof payload.provider_name === 'string' ? payload.provider_name.trim().slice(0, 200) : '';
  return { providerId: id, ...(name ? { providerName: name } : {}) };
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
      const caller: Caller = {
        kind: tokenKindOf(payload),
        sub: payload.sub,
        scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : []),
        clientId: typeof payload.client_id === 'string' ? payload.client_id : undefined,
        ...providerOfPayload(payload as { provider_id?: unknown; provider_name?: unknown }),
      };
      if (caller.kind === 'client' && typeof payload.client_name === 'string' && payload.client_name.trim()) {
        caller.clientName = payload.client_name.trim().slice(0, 200);
      }
      // An operator is accepted only from a sign-in with the authenticator app, wherever the token is shown.
      if (caller.kind === 'operator' && payload.acr !== OPERATOR_ACR) {
        throw new InsufficientUserAuthenticationError();
      }
      if (caller.kind === 'member' || caller.kind === 'operator') {
        const label = memberLabel(payload as { name?: unknown; phone_number?: unknown; email?: unknown });
        if (label) caller.label = label;
      }
      ctx.state.caller = caller;
      if (caller.kind === 'citizen') {
        ctx.state.citizen = {
          sub: caller.sub,
          scopes: caller.scopes,
          clientId: caller.clientId,
          email: typeof payload.email === 'string' ? payload.email : undefined,
          phone: typeof payload.phone_number === 'string' ? payload.phone_number : undefined,
          name: typeof payload.name === 'string' ? payload.name : undefined,
        };
      }
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        ctx.set('WWW-Authenticate', `Bearer error="invalid_token", error_description="${error.message}"`);
      }
      if (error instanceof InsufficientUserAuthenticationError) {
        ctx.set(
          'WWW-Authenticate',
          `Bearer error="insufficient_user_authentication", error_description="${error.message}", acr_values="${OPERATOR_ACR}"`,
        );
      }
      throw error;
    }
    await next();
  };

  /**
   * Authenticates, then requires a token of an accepted kind (else 403 wrong_token_kind) and every
   * listed scope (else 403 insufficient_scope).
   */
  const requireAccess =
    (callers: readonly TokenKind[], scopes: readonly string[]): Middleware =>
    async (ctx, next) =>
      authenticate(ctx, async () => {
        if (!callers.includes(ctx.state.caller?.kind as TokenKind)) throw new WrongTokenKindError(callers);
        const missing = scopes.find((scope) => !ctx.state.caller?.scopes.has(scope));
        if (missing) {
          ctx.set('WWW-Authenticate', `Bearer error="insufficient_scope", scope="${scopes.join(' ')}"`);
          throw new InsufficientScopeError(missing);
        }
        await next();
      });

  /**
   * A public route's check: no token is needed, but credentials that are sent must be a valid
   * token of either kind (RFC 6750 §3.1: an invalid, expired or foreign token is a 401
   * invalid_token wherever it is presented; RFC 9110 §15.5.2: credentials sent and refused are a
   * 401), so a caller learns at once that its token does not work instead of by a later refusal.
   * Only the Bearer scheme is ours to judge: another scheme (a gateway signing its webhook with
   * Basic credentials, say) is the route's own business and passes through unread.
   */
  const checkIfPresented: Middleware = async (ctx, next) =>
    /^bearer\b/i.test(ctx.get('authorization').trim()) ? authenticate(ctx, next) : next();

  return { authenticate, requireAccess, checkIfPresented, issuer: options.issuer, audience: options.audience };
}

/** The citizen a citizen's route runs for; requireAccess(['citizen'], …) guarantees it is set. */
export function citizenOf(state: { citizen?: Citizen }): Citizen {
  if (!state.citizen) throw new InvalidTokenError('a Bearer access token is required');
  return state.citizen;
}

/** The caller a route with a token runs for; requireAccess guarantees it is set. */
export function callerOf(state: { caller?: Caller }): Caller {
  if (!state.caller) throw new InvalidTokenError('a Bearer access token is required');
  return state.caller;
}
