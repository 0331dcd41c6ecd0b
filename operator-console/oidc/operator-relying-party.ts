import type { SessionUser } from '../../hub/portal/session/session-store.js';
import { StaffRelyingParty } from '../../hub/portal/staff/relying-party.js';
import type { Logger } from '../../infra/logger.js';
import type { OperatorConsoleOptions } from '../options.js';

/** The level an operator's sign-in must reach: a one-time code, then the authenticator app (idp/provider/acr.ts). */
export const OPERATOR_ACR = 'urn:citizen-billpay:acr:code-and-app';

/** A signed-in person of the console: the hub portal's session user plus their operator team, if any. */
export interface OperatorUser extends SessionUser {
  /** The `operator_team` claim; absent for a person who is not an operator (or signed in without the app). */
  team?: string;
}

/**
 * The claims parameter (OpenID Connect Core §5.5) asking for the operator claims in the ID token:
 * in the code flow the idp puts scope claims only in userinfo, and userinfo does not take a token
 * meant for the hub API.
 */
export const OPERATOR_CLAIMS_REQUEST = JSON.stringify({ id_token: { roles: null, operator_team: null } });

/**
 * The staff portals' relying party (hub/portal/staff/relying-party.ts), asking also for the
 * operator claims in the ID token and the authenticator app's level (`acr_values`, voluntary: a
 * session with the app is not asked again; the idp itself requires the app of an operator here).
 * After sign-in a person is an operator only when the validated ID token says the role and the
 * level reached is code-and-app.
 */
export class OperatorRelyingParty extends StaffRelyingParty<OperatorUser> {
  constructor(options: OperatorConsoleOptions, log: Logger) {
    super(options, log, { claims: OPERATOR_CLAIMS_REQUEST, acr_values: OPERATOR_ACR }, (claims) => {
      const operator = Array.isArray(claims.roles) && claims.roles.includes('operator') && claims.acr === OPERATOR_ACR;
      const team = typeof claims.operator_team === 'string' ? claims.operator_team : 'Operators';
      return operator ? { team } : {};
    });
  }
}
