import { type StaffPortalOptions, staffPortalOptionsOf, trimSlash } from '../hub/portal/staff/options.js';
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

/** Everything the console needs, resolved once from its config (or given by a test); base URL e.g. http://localhost:5100. */
export interface OperatorConsoleOptions extends StaffPortalOptions {
  /** The idp's account page, where an operator turns on the authenticator app. */
  accountUrl: string;
}

/** The options from the config; the base URL defaults to http://localhost:<port>. */
export function operatorConsoleOptionsOf(config: OperatorConsoleConfig): OperatorConsoleOptions {
  return {
    ...staffPortalOptionsOf(config, 'OPERATOR_CONSOLE', 'OPERATOR', OPERATOR_CONSOLE_SCOPES),
    accountUrl: `${trimSlash(config.IDP_ISSUER)}/account`,
  };
}
