export {
  carriesOpsScope,
  consoleOperator,
  OPERATOR_CLAIMS,
  OPERATOR_HUB_SCOPES,
  OPERATOR_ROLE,
  OPERATOR_SCOPE,
  operatorClaims,
} from './operator-claims.js';
export { type OperatorTeam, Organisations, type ProviderIdentity } from './organisations.js';
export {
  carriesDemandScope,
  MEMBER_HUB_SCOPES,
  memberProvider,
  PROVIDER_CLAIMS,
  PROVIDER_SCOPE,
  providerClaims,
} from './provider-claims.js';
export { loadRoles, type OrganisationEntry, type RolesFile } from './roles-file.js';
