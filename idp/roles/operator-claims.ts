import type { Account } from '../accounts/account-store.js';
import type { OperatorTeam, Organisations } from './organisations.js';

/** The OpenID scope releasing an operator's role claims (listed in scopes_supported). */
export const OPERATOR_SCOPE = 'operator';

/** The role an operator's tokens name in their `roles` claim (the hub reads it: hub/api/access-token.ts). */
export const OPERATOR_ROLE = 'operator';

/**
 * The claims of an operator (claims_supported): `roles` (["operator"]) and `operator_team`, the
 * name of the team in the roles file.
 */
export const OPERATOR_CLAIMS = ['roles', 'operator_team'] as const;

/**
 * The hub scopes an operator's token may carry (the names of hub/api/scopes.ts OPERATOR_SCOPES):
 * only an operator console's token, only for an operator.
 */
export const OPERATOR_HUB_SCOPES = ['ops:read', 'ops:write'] as const;

/** The two claims for an operator team; none for anyone else. */
export function operatorClaims(team: OperatorTeam | undefined): Record<string, string | string[]> {
  return team ? { roles: [OPERATOR_ROLE], operator_team: team.name } : {};
}

/**
 * The operator team a person acts in, in this client's tokens: only when the client is an
 * operator console of the roles file and the person an operator there (by a verified phone or
 * email); undefined otherwise, so no other client learns who operates the hub.
 */
export function consoleOperator(
  organisations: Organisations,
  clientId: string | undefined,
  account: Pick<Account, 'phone' | 'phoneVerified' | 'email' | 'emailVerified'> | null | undefined,
): OperatorTeam | undefined {
  return organisations.isOperatorConsole(clientId) ? organisations.operatorTeamOfAccount(account) : undefined;
}

/** Whether a hub token's scope (space-separated) carries an ops scope, so it names the operator's role. */
export function carriesOpsScope(scope: string | undefined): boolean {
  const scopes = (scope ?? '').split(' ');
  return OPERATOR_HUB_SCOPES.some((s) => scopes.includes(s));
}
