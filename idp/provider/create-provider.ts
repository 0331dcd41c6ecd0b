import type { JWK } from 'jose';
import Provider, { type ClientMetadata, type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Redis } from '../../infra/redis.js';
import { cachedAccountLookup } from '../accounts/account-cache.js';
import { type AccountStore, accountClaims, CLAIMS_BY_SCOPE } from '../accounts/account-store.js';
import type { IdpConfig } from '../config.js';
import type { ConsentStore } from '../consents/consent-store.js';
import { providerPageLanguage } from '../interactions/locale.js';
import {
  carriesDemandScope,
  carriesOpsScope,
  consoleOperator,
  MEMBER_HUB_SCOPES,
  memberProvider,
  OPERATOR_CLAIMS,
  OPERATOR_HUB_SCOPES,
  OPERATOR_SCOPE,
  type Organisations,
  operatorClaims,
  PROVIDER_CLAIMS,
  PROVIDER_SCOPE,
  providerClaims,
} from '../roles/index.js';
import { SUPPORTED_LOCALES } from '../views/i18n.js';
import { PAGE_CSP } from '../views/layout.js';
import { errorPage, logoutPage, signedOutPage } from '../views/provider-pages.js';
import { ACR_VALUES, loginPolicy } from './acr.js';
import {
  CLIENT_CREDENTIALS_SCOPES,
  clientCredentialsClaims,
  validateClientCredentialsMetadata,
} from './client-credentials.js';
import { existingGrantLoader } from './first-party-grant.js';
import { hubTokenIdentityClaims } from './hub-token-claims.js';
import { type OperatorAppRequired, operatorAppCheck } from './operator-app.js';
import { pkceRequired, REQUIRE_PKCE, validateRequirePkce } from './pkce-policy.js';
import { inStorageScope, redisAdapterFactory, StorageScope } from './redis-adapter.js';
import { enableAtomicRefreshRotation } from './refresh-rotation.js';
import { accountIdOf, resourceIndicators } from './resource-server.js';

export interface ProviderDeps {
  config: IdpConfig;
  accounts: AccountStore;
  redis: Redis;
  signingKeys: JWK[];
  clients: ClientMetadata[];
  /** Remembered third-party consents, read when a session has no Grant yet. */
  consents: ConsentStore;
  /** Provider organisations, their members, portals and clients; operator teams and consoles (the roles file). */
  organisations: Organisations;
}

/** The acr of the sign-in behind a token being issued: the code's at the code grant, the refresh token's at a refresh. */
function acrOfIssue(ctx: KoaContextWithOIDC | undefined): string | undefined {
  const entities = ctx?.oidc?.entities as { AuthorizationCode?: { acr?: string }; RefreshToken?: { acr?: string } };
  return entities?.AuthorizationCode?.acr ?? entities?.RefreshToken?.acr;
}

/**
 * Whether an operator must use the authenticator app here (operator-app.ts): an operator of the
 * roles file signing in at an operator console.
 */
export function operatorAppRequirement(
  organisations: Organisations,
  lookupAccount: (sub: string) => Promise<Parameters<Organisations['operatorTeamOfAccount']>[0]>,
): OperatorAppRequired {
  return async (clientId, accountId) =>
    organisations.isOperatorConsole(clientId) &&
    organisations.operatorTeamOfAccount(await lookupAccount(accountId)) !== undefined;
}

/** oidc-provider's token endpoint (its default route; the configuration keeps it). */
const TOKEN_PATH = '/token';

function html(ctx: KoaContextWithOIDC, body: string): void {
  ctx.type = 'html';
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.body = body;
}

/**
 * The OpenID Connect provider. Defaults are oidc-provider's certified ones unless a line
 * here says otherwise, and why.
 */
export function createProvider({
  config,
  accounts,
  redis,
  signingKeys,
  clients,
  consents,
  organisations,
}: ProviderDeps): Provider {
  const lookupAccount = cachedAccountLookup(accounts, config.IDP_ACCOUNT_CACHE_SECONDS);
  // The provider a person acts for in a client's tokens (roles/provider-claims.ts).
  const providerOf = async (clientId: string | undefined, accountId: string | undefined) =>
    organisations.isProviderPortal(clientId) && accountId
      ? memberProvider(organisations, clientId, await lookupAccount(accountId))
      : undefined;
  // The operator team a person acts in at an operator console (roles/operator-claims.ts).
  const operatorOf = async (clientId: string | undefined, accountId: string | undefined) =>
    organisations.isOperatorConsole(clientId) && accountId
      ? consoleOperator(organisations, clientId, await lookupAccount(accountId))
      : undefined;
  // A grant's token index must outlive its longest-lived token (redis-adapter.ts).
  const Adapter = redisAdapterFactory(redis, {
    indexTtlSeconds: Math.max(config.IDP_SESSION_TTL_SECONDS, config.IDP_ACCESS_TOKEN_TTL_SECONDS, 600),
  });
  const configuration: Configuration = {
    adapter: Adapter,
    clients,
    jwks: { keys: signingKeys as Configuration['jwks'] extends { keys: infer K } ? K : never },
    cookies: {
      keys: config.IDP_COOKIE_KEYS,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    // The standard claims an account holds, by scope; `claims_supported` lists exactly these plus
    // the protocol's (sub, acr, amr, auth_time, sid, iss). acr and amr come with openid, so
    // every ID token says how the citizen signed in.
    claims: {
      openid: ['sub', 'acr', 'amr'],
      ...Object.fromEntries(Object.entries(CLAIMS_BY_SCOPE).map(([scope, claims]) => [scope, [...claims]])),
      // A provider member's organisation, released only to a provider portal (roles/provider-claims.ts).
      [PROVIDER_SCOPE]: [...PROVIDER_CLAIMS],
      // An operator's role and team, released only to an operator console (roles/operator-claims.ts).
      [OPERATOR_SCOPE]: [...OPERATOR_CLAIMS],
    },
    // Authentication levels, weakest first (acr.ts); published as acr_values_supported.
    acrValues: [...ACR_VALUES],
    scopes: ['openid', 'offline_access', 'profile', 'email', 'phone', PROVIDER_SCOPE, OPERATOR_SCOPE],
    // Code flow only (no implicit or hybrid tokens in the front channel); `none` serves the account page.
    responseTypes: ['code', 'none'],
    async findAccount(ctx, sub) {
      const account = await lookupAccount(sub);
      if (!account) return undefined;
      // provider_id/provider_name only for a member, and only to a provider portal.
      const actingFor = memberProvider(organisations, ctx?.oidc?.client?.clientId, account);
      // roles/operator_team only for an operator, and only to an operator console.
      const team = consoleOperator(organisations, ctx?.oidc?.client?.clientId, account);
      return {
        accountId: sub,
        claims: () => ({ ...accountClaims(account), ...providerClaims(actingFor), ...operatorClaims(team) }),
      };
    },
    // A citizen's token for the hub carries the identity claims the citizen allowed this client
    // (RFC 9068 §2.2.1): the hub portal asks for profile, email and phone so receipts reach the
    // payer; a third party gets only what its consent page listed (hub-token-claims.ts).
    async extraTokenClaims(ctx, token) {
      // A client's token for itself speaks for no account: only its kind is added (client-credentials.ts).
      if (token.kind === 'ClientCredentials') {
        const claims = clientCredentialsClaims(token, config.HUB_API_RESOURCE);
        // A client acting for a provider organisation names it, as a member's token does.
        return claims && { ...claims, ...providerClaims(organisations.providerOfClient(token.clientId)) };
      }
      if (token.kind !== 'AccessToken' || token.resourceServer?.audience !== config.HUB_API_RESOURCE) return undefined;
      const account = token.accountId ? await lookupAccount(token.accountId) : null;
      if (!account || !token.grantId) return undefined;
      // The token endpoint has loaded the Grant already; read it again only when it has not.
      const loaded = ctx?.oidc?.entities?.Grant;
      const grant = loaded?.jti === token.grantId ? loaded : await provider.Grant.find(token.grantId);
      // A member's token that may act on demands names the provider it acts for.
      const actingFor = carriesDemandScope(token.scope)
        ? memberProvider(organisations, token.clientId, account)
        : undefined;
      // An operator's token names the role and team, and the level the sign-in reached: the hub
      // accepts an operator only with the authenticator app (hub/api/access-token.ts).
      const team = carriesOpsScope(token.scope) ? consoleOperator(organisations, token.clientId, account) : undefined;
      const acr = team ? acrOfIssue(ctx) : undefined;
      return {
        ...hubTokenIdentityClaims(account, grant),
        ...providerClaims(actingFor),
        ...operatorClaims(team),
        ...(acr ? { acr } : {}),
      };
    },
    // PKCE (S256 only) from public clients, and from confidential ones that opt in or by setting.
    pkce: { required: pkceRequired(config.IDP_REQUIRE_PKCE) },
    interactions: {
      // The default policy (prompt=login, max_age and essential acr already prompt a login), plus
      // the acr_values step-up to the authenticator app (acr.ts).
      // An operator at an operator console signs in with the app whatever the client asks (operator-app.ts).
      policy: loginPolicy(
        async (accountId) => Boolean((await accounts.findById(accountId))?.totp),
        operatorAppCheck(operatorAppRequirement(organisations, lookupAccount)),
      ),
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    // The languages of our pages, for clients choosing a ui_locales value.
    discovery: { ui_locales_supported: [...SUPPORTED_LOCALES] },
    // Refresh tokens for every client allowed the grant, not only with offline_access: without
    // offline_access they end with the citizen's session, so signing out ends them too.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    loadExistingGrant: existingGrantLoader(consents),
    extraClientMetadata: {
      properties: ['first_party', REQUIRE_PKCE, CLIENT_CREDENTIALS_SCOPES],
      validator(ctx, key, value, metadata) {
        validateRequirePkce(key, value);
        validateClientCredentialsMetadata(ctx, key, value, metadata);
        // Only the clients file may mark a client first party; dynamic registration may not.
        if (key === 'first_party' && value !== undefined && (ctx !== undefined || typeof value !== 'boolean')) {
          throw new errors.InvalidClientMetadata('first_party cannot be set here');
        }
      },
    },
    features: {
      devInteractions: { enabled: false },
      // Machine clients get tokens for themselves (client-credentials.ts, resource-server.ts).
      clientCredentials: { enabled: true },
      // The `claims` request parameter (OpenID Connect Core §5.5): single claims without their
      // scope, for the ID token or userinfo, and essential acr values.
      claimsParameter: { enabled: true },
      // A client may revoke or introspect only the tokens issued to it.
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      backchannelLogout: { enabled: true },
      registration: {
        enabled: Boolean(config.IDP_REGISTRATION_TOKEN),
        initialAccessToken: config.IDP_REGISTRATION_TOKEN ?? false,
      },
      // RFC 7592: a registered client reads, updates and deletes itself at its registration_client_uri
      // with its registration access token, which a successful update replaces.
      registrationManagement: {
        enabled: Boolean(config.IDP_REGISTRATION_TOKEN),
        rotateRegistrationAccessToken: true,
      },
      resourceIndicators: resourceIndicators(
        config.HUB_API_RESOURCE,
        config.IDP_ACCESS_TOKEN_TTL_SECONDS,
        // Demand scopes for a person: a provider member signing in to a provider portal, no one else;
        // ops scopes: an operator signing in to an operator console.
        async (ctx, clientId) => [
          ...((await providerOf(clientId, accountIdOf(ctx))) ? MEMBER_HUB_SCOPES : []),
          ...((await operatorOf(clientId, accountIdOf(ctx))) ? OPERATOR_HUB_SCOPES : []),
        ],
      ),
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) =>
          html(ctx, logoutPage(providerPageLanguage(ctx), form, ctx.oidc.client?.clientName)),
        postLogoutSuccessSource: async (ctx) =>
          html(ctx, signedOutPage(providerPageLanguage(ctx), ctx.oidc.client?.clientName)),
      },
    },
    // The provider passes an SSRF-guarded dispatcher (and a 2.5 s timeout signal) to every call.
    fetch: config.IDP_OUTBOUND_ALLOW_PRIVATE
      ? (url, options) => globalThis.fetch(url, { ...options, dispatcher: undefined } as RequestInit)
      : (url, options) => globalThis.fetch(url, options),
    ttl: {
      AccessToken: config.IDP_ACCESS_TOKEN_TTL_SECONDS,
      ClientCredentials: config.IDP_ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: config.IDP_SESSION_TTL_SECONDS,
      Grant: config.IDP_SESSION_TTL_SECONDS,
      RefreshToken: config.IDP_SESSION_TTL_SECONDS,
    },
    async renderError(ctx, out) {
      ctx.status = Math.max(ctx.status, 400);
      const lang = providerPageLanguage(ctx);
      const detail = out.error_description ?? out.error;
      html(ctx, errorPage(lang, lang.t('errors.providerTitle'), lang.t('errors.provider'), detail));
    },
  };
  const provider = new Provider(config.IDP_ISSUER, configuration);
  // The token endpoint reads each record once and writes the tokens it issues in one round trip,
  // once the answer is ready; a refused request writes none of them.
  provider.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== TOKEN_PATH) return next();
    const scope = new StorageScope(true);
    await inStorageScope(scope, next);
    if (ctx.status < 300) await Adapter.flush(scope);
  });
  // One rotation per refresh token, duplicates within the grace window get its answer (refresh-rotation.ts).
  enableAtomicRefreshRotation(provider, redis, config.IDP_REFRESH_REUSE_GRACE_SECONDS);
  return provider;
}
