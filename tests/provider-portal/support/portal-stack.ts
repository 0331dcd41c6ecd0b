import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createLogger } from '../../../infra/logger.js';
import { loadProviderPortalConfig } from '../../../provider-portal/config.js';
import { providerPortalOptionsOf } from '../../../provider-portal/options.js';
import { startProviderPortal } from '../../../provider-portal/server.js';
import { freePort } from '../../../scripts/local-services/free-port.js';
import { HUB_API, startTestIdp, type TestIdp } from '../../idp/support/test-idp.js';
import { uniqueName } from '../../support/isolation.js';
import { type StubAnswer, type StubCall, startHubStub } from './hub-stub.js';

/** The member of the test organisation, and its name as the idp's roles file says. */
export const MEMBER = '+919800000031';
export const PROVIDER = { id: 'city-halls', name: 'City Community Halls' };

export interface PortalStack {
  idp: TestIdp;
  portalUrl: string;
  hub: Awaited<ReturnType<typeof startHubStub>>;
  close: () => Promise<void>;
}

/**
 * A real idp (with a roles file naming MEMBER a member of PROVIDER, and the portal's client as a
 * provider portal), a stubbed hub API answering `answer`, and the provider portal between them,
 * all on free ports, configured through the portal's own environment schema.
 */
export async function startPortalStack(answer: (call: StubCall) => StubAnswer): Promise<PortalStack> {
  const port = await freePort();
  const portalUrl = `http://127.0.0.1:${port}`;
  const clientId = 'provider-portal-test';
  const secret = randomBytes(32).toString('base64url');
  const dir = mkdtempSync(join(tmpdir(), 'provider-portal-'));
  const rolesFile = join(dir, 'roles.json');
  writeFileSync(
    rolesFile,
    JSON.stringify({
      roles: { provider: { portals: [clientId] } },
      organisations: [{ role: 'provider', ...PROVIDER, members: [MEMBER] }],
    }),
  );
  const idp = await startTestIdp(
    { OTP_SENDS_PER_IP_PER_HOUR: '1000', IDP_ROLES_FILE: rolesFile, TEST_PROVIDER_PORTAL_SECRET: secret },
    {
      extraClients: [
        {
          client_id: clientId,
          client_name: 'Provider Portal',
          client_secret_env: 'TEST_PROVIDER_PORTAL_SECRET',
          redirect_uris: [`${portalUrl}/auth/callback`],
          post_logout_redirect_uris: [`${portalUrl}/`],
          first_party: true,
          require_pkce: true,
        },
      ],
    },
  );
  const hub = await startHubStub(answer);
  const config = loadProviderPortalConfig({
    NODE_ENV: 'test',
    REDIS_URL: inject('redisUrl'),
    PROVIDER_PORTAL_PORT: String(port),
    PROVIDER_PORTAL_PUBLIC_URL: portalUrl,
    IDP_ISSUER: idp.issuer,
    PARTNER_OIDC_CLIENT_ID: clientId,
    PARTNER_OIDC_CLIENT_SECRET: secret,
    HUB_API_RESOURCE: HUB_API,
    PROVIDER_PORTAL_HUB_API_URL: hub.url,
  });
  const portal = await startProviderPortal(providerPortalOptionsOf(config), {
    port,
    host: '127.0.0.1',
    redisUrl: config.REDIS_URL,
    redisKeyPrefix: `${uniqueName('provider-portal')}:`,
    log: createLogger('provider-portal', process.env.TEST_PORTAL_LOG ?? 'silent'),
  });
  return {
    idp,
    portalUrl,
    hub,
    close: async () => {
      await portal.close();
      await hub.close();
      await idp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
