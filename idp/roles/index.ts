export { Organisations, type ProviderIdentity } from './organisations.js';
export {
  carriesDemandScope,
  MEMBER_HUB_SCOPES,
  memberProvider,
  PROVIDER_CLAIMS,
  PROVIDER_SCOPE,
  providerClaims,
} from './provider-claims.js';
export { loadRoles, type OrganisationEntry, type RolesFile } from './roles-file.js';
