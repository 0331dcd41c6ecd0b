import { createHmac } from 'node:crypto';
import { BillerUnavailableError } from '../sdk/errors.js';
import type { BillerHttp } from '../sdk/http-client.js';
import { TokenCache } from '../sdk/token-cache.js';
import type { DeclaredOptions } from './options.js';
import type { AuthDeclaration } from './schema.js';

/** What one request carries once authenticated. `token` is the OAuth2 token used, if any. */
export interface Authenticated {
  headers: Record<string, string>;
  body?: Record<string, unknown>;
  token?: string;
}

/**
 * A declaration's authentication applied to each request: an API key header, an HMAC signature
 * over the body (with a timestamp), or an OAuth2 client-credentials bearer token.
 */
export interface Authenticator {
  /** Headers and (signed) body for one request; `nowMs` is the signing time. */
  prepare(body: Record<string, unknown> | undefined, nowMs: number): Promise<Authenticated>;
  /** Told of a 401 to a request made with `used`; true when sending it once more can help (a refused token). */
  refused(used: Authenticated): boolean;
}

/** A body field's value as it is signed: strings raw, numbers and booleans as text, objects as JSON. */
function signedText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function timestampOf(unit: 'seconds' | 'milliseconds' | 'iso', nowMs: number): string {
  if (unit === 'seconds') return String(Math.floor(nowMs / 1000));
  if (unit === 'milliseconds') return String(nowMs);
  return new Date(nowMs).toISOString();
}

/**
 * The canonical text an HMAC declaration signs: every body field (the timestamp included, the
 * signature field excluded), in name order or declaration order, each as `pair` with `{name}`
 * and `{value}` replaced, joined by `separator`.
 */
export function canonicalText(
  fields: Record<string, unknown>,
  canonical: { order: 'sorted' | 'declared'; pair: string; separator: string },
  signatureField?: string,
): string {
  const names = Object.keys(fields).filter((name) => name !== signatureField && fields[name] !== undefined);
  if (canonical.order === 'sorted') names.sort();
  return names
    .map((name) => canonical.pair.replaceAll('{name}', name).replaceAll('{value}', signedText(fields[name])))
    .join(canonical.separator);
}

/** The token endpoint's answer (RFC 6749 5.1), read loosely: a token and, ideally, its lifetime. */
function tokenOf(status: number, data: unknown): { value: string; expiresInSeconds: number } {
  const body = (data ?? {}) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
  if (status !== 200 || typeof body.access_token !== 'string' || body.access_token === '') {
    const code = typeof body.error === 'string' ? body.error : String(status);
    throw new BillerUnavailableError(`the token endpoint refused the client credentials (${code})`, code);
  }
  // Without a lifetime, a minute: short enough that a revoked token is not kept long.
  const expiresInSeconds = typeof body.expires_in === 'number' && body.expires_in >= 0 ? body.expires_in : 60;
  return { value: body.access_token, expiresInSeconds };
}

/**
 * Builds the authenticator of one declared biller. `secrets` is the list the biller's HTTP client
 * redacts: an OAuth2 token joins it once issued.
 */
export function createAuthenticator(
  auth: AuthDeclaration,
  options: DeclaredOptions,
  http: BillerHttp,
  secrets: string[],
): Authenticator {
  const text = (name: string) => String(options[name] ?? '');
  switch (auth.kind) {
    case 'none':
      return { prepare: async (body) => ({ headers: {}, ...(body ? { body } : {}) }), refused: () => false };
    case 'apiKey':
      return {
        prepare: async (body) => ({
          headers: { [auth.header]: `${auth.prefix}${text(auth.option)}` },
          ...(body ? { body } : {}),
        }),
        refused: () => false,
      };
    case 'hmac':
      return {
        async prepare(body, nowMs) {
          const fields: Record<string, unknown> = { ...body };
          if (auth.timestamp) fields[auth.timestamp.field] = timestampOf(auth.timestamp.unit, nowMs);
          const signature = createHmac(auth.algorithm, text(auth.secretOption))
            .update(canonicalText(fields, auth.canonical, auth.signature.field))
            .digest(auth.signature.encoding);
          if (auth.signature.field) return { headers: {}, body: { ...fields, [auth.signature.field]: signature } };
          return { headers: { [auth.signature.header ?? '']: signature }, body: fields };
        },
        refused: () => false,
      };
    case 'oauth2': {
      const fixedSecrets = secrets.length;
      const tokens = new TokenCache({
        fetchToken: async () => {
          const form = new URLSearchParams({ grant_type: 'client_credentials' });
          if (auth.scope) form.set('scope', auth.scope);
          const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
          if (auth.credentials === 'basic') {
            // RFC 6749 2.3.1: each part form-encoded before the Basic encoding.
            const part = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
            const pair = `${part(text(auth.clientIdOption))}:${part(text(auth.clientSecretOption))}`;
            headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
          } else {
            form.set('client_id', text(auth.clientIdOption));
            form.set('client_secret', text(auth.clientSecretOption));
          }
          // Asking twice only issues two tokens, so the request may be retried.
          const response = await http.request({
            method: 'POST',
            url: auth.tokenUrl,
            data: form.toString(),
            headers,
            idempotent: true,
          });
          const token = tokenOf(response.status, response.data);
          secrets.push(token.value);
          // Only the latest few tokens can still be in use; older ones need no redaction list entry.
          if (secrets.length > fixedSecrets + 8) secrets.splice(fixedSecrets, 1);
          return token;
        },
      });
      return {
        async prepare(body) {
          const token = await tokens.get();
          return { headers: { authorization: `Bearer ${token}` }, ...(body ? { body } : {}), token };
        },
        refused(used) {
          // Expired or revoked early: forget it, so the next prepare asks for a fresh one.
          if (used.token) tokens.invalidate(used.token);
          return used.token !== undefined;
        },
      };
    }
  }
}
