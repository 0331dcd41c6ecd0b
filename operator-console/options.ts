import type { PortalOptions } from '../hub/portal/options.js';
import type { OperatorConsoleConfig } from './config.js';

/**
 * The scopes the console asks for: who the operator is (name, phone, email: the hub's audit log
 * names the operator by them), the operator role and team (`operator`, which only an operator
 * console gets: idp/roles/operator-claims.ts), and the hub's ops scopes, which the idp grants an
 * operator only. No citizen scope: the console never acts as a citizen.
 */
export const OPERATOR_CONSOLE_SCOPES = [
  'openid',
  'profile',
  'email',
  'phone',
  'operator',
  'ops:read',
  'ops:write',
] as const;

/** Everything the console needs, resolved once from its config (or given by a test). */
export interface OperatorConsoleOptions {
  /** Public base URL, no trailing slash (http://localhost:5100). */
  baseUrl: string;
  /** The hub API, no trailing slash (http://localhost:3000/api/v1). */
  apiUrl: string;
  /** The idp's account page, where an operator turns on the authenticator app. */
  accountUrl: string;
  /** The relying party's settings, in the hub portal's shape (its RelyingParty is reused). */
  oidc: PortalOptions['oidc'];
  timeoutMs: number;
  session: { idleSeconds: number; absoluteSeconds: number };
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** The options from the config; the base URL defaults to http://localhost:<port>. */
export function operatorConsoleOptionsOf(config: OperatorConsoleConfig): OperatorConsoleOptions {
  return {
    baseUrl: trimSlash(config.OPERATOR_CONSOLE_PUBLIC_URL ?? `http://localhost:${config.OPERATOR_CONSOLE_PORT}`),
    apiUrl: trimSlash(config.OPERATOR_CONSOLE_HUB_API_URL),
    accountUrl: `${trimSlash(config.IDP_ISSUER)}/account`,
    oidc: {
      issuer: config.IDP_ISSUER,
      internalUrl: config.OPERATOR_CONSOLE_IDP_INTERNAL_URL,
      clientId: config.OPERATOR_OIDC_CLIENT_ID,
      clientSecret: config.OPERATOR_OIDC_CLIENT_SECRET,
      resource: config.HUB_API_RESOURCE,
      scope: OPERATOR_CONSOLE_SCOPES.join(' '),
    },
    timeoutMs: config.OPERATOR_CONSOLE_HTTP_TIMEOUT_MS,
    session: {
      idleSeconds: config.OPERATOR_CONSOLE_SESSION_IDLE_SECONDS,
      absoluteSeconds: config.OPERATOR_CONSOLE_SESSION_ABSOLUTE_SECONDS,
    },
  };
}
