import type { CountryCode } from 'libphonenumber-js';
import { securityHeaders } from '../infra/http/security-headers.js';
import { createNotifier } from '../infra/notifier/index.js';
import type { ServiceDeps, ServiceParts } from '../infra/service-runtime.js';
import { designAssets } from '../infra/web/design-assets.js';
import { accountRouter } from './account-page/router.js';
import { AccountStore } from './accounts/account-store.js';
import type { IdpConfig } from './config.js';
import { ConsentStore } from './consents/consent-store.js';
import { parseSecretKey } from './crypto/secret-box.js';
import { devMessagesRouter } from './dev/messages-router.js';
import { CsrfTokens } from './interactions/csrf.js';
import { LoginStates } from './interactions/login-state.js';
import { interactionRouter } from './interactions/router.js';
import { OtpService, otpPolicyFromConfig } from './otp/index.js';
import { accountConsoleClient, loadClients } from './provider/clients.js';
import { createProvider, operatorAppRequirement } from './provider/create-provider.js';
import { loadSigningKeys } from './provider/signing-keys.js';
import { loadRoles } from './roles/index.js';

/** Builds the identity provider on its MongoDB and Redis: the provider app plus our pages. */
export async function buildIdp(
  config: IdpConfig,
  { log, mongo, redis }: ServiceDeps,
  /** Where client secrets named by the clients file are read. */
  env: Record<string, string | undefined> = process.env,
): Promise<ServiceParts> {
  const dataKey = parseSecretKey(config.IDP_DATA_KEY);
  const consoleClient = accountConsoleClient(config.IDP_ISSUER);
  const clients = [...loadClients(config.IDP_CLIENTS_FILE, env), consoleClient];
  const organisations = loadRoles(config.IDP_ROLES_FILE, clients);
  const accounts = new AccountStore(mongo);
  await accounts.init();
  const consents = new ConsentStore(mongo, config.IDP_CONSENT_TTL_DAYS);
  await consents.init();
  const signingKeys = await loadSigningKeys(mongo, dataKey);
  const provider = createProvider({ config, accounts, redis, signingKeys, clients, consents, organisations });
  const audit = log.child({ audit: true });
  provider.on('server_error', (_ctx, error) => log.error({ err: error }, 'oidc server error'));
  provider.on('backchannel.error', (_ctx, error, client) =>
    log.warn({ err: error, client: client.clientId }, 'back-channel logout delivery failed'),
  );
  provider.on('end_session.success', (ctx) => audit.info({ event: 'logout', client: ctx.oidc.client?.clientId }));
  // At the token endpoint a grant is revoked only for a reused refresh token or code: a likely theft.
  provider.on('grant.revoked', (ctx, grantId) => {
    if (ctx?.oidc?.route !== 'token') return;
    audit.warn({
      event: 'grant_revoked_on_reuse',
      client: ctx.oidc.client?.clientId,
      grantId,
      grant: ctx.oidc.params?.grant_type,
    });
  });

  const region = config.IDP_DEFAULT_REGION as CountryCode;
  const csrf = new CsrfTokens(config.IDP_COOKIE_KEYS[0] as string);
  const otp = new OtpService({
    redis,
    secret: config.IDP_OTP_SECRET,
    policy: otpPolicyFromConfig(config),
  });
  const notifier = createNotifier(config, { redis, log });

  return {
    app: provider,
    routes: (app) => {
      // Our pages set their own strict CSP; the provider's form_post and logout pages need theirs.
      app.use(securityHeaders());
      // The stylesheet and icon the pages share with the portal (/assets/app.css), so they look alike.
      app.use(designAssets());
      const interactions = interactionRouter({
        provider,
        accounts,
        consents,
        otp,
        notifier,
        states: new LoginStates(redis),
        csrf,
        audit,
        dataKey,
        defaultRegion: region,
        codeTtlSeconds: config.OTP_CODE_TTL_SECONDS,
        operatorAppRequired: operatorAppRequirement(organisations, (sub) => accounts.findById(sub)),
      });
      app.use(interactions.routes());
      const account = accountRouter({
        provider,
        accounts,
        consents,
        redis,
        csrf,
        audit,
        dataKey,
        issuer: config.IDP_ISSUER,
        consoleClientId: String(consoleClient.client_id),
      });
      app.use(account.routes());
      if (config.NODE_ENV !== 'production') app.use(devMessagesRouter(redis, region).routes());
    },
  };
}
