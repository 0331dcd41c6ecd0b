import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../scripts/local-services/free-port.js';
import { startTestHub, type TestHub } from '../../hub-api/test-hub.js';
import { HUB_API, startTestIdp, type TestIdp } from '../../idp/support/test-idp.js';

export interface PortalStack {
  idp: TestIdp;
  hub: TestHub;
  /** The portal's base URL (the hub's own). */
  portal: string;
  close: () => Promise<void>;
}

/**
 * The real idp and the hub with its portal, wired to each other as in production: the idp knows
 * the portal as the first-party client `hub-portal` with its callback, post-logout and
 * back-channel logout URLs; the portal discovers the idp. The hub starts first (the portal finds
 * the idp only when someone signs in), so the idp's client file can name the hub's real port.
 */
export async function startPortalStack(
  options: { env?: Record<string, string>; settle?: boolean } = {},
): Promise<PortalStack> {
  const issuer = `http://127.0.0.1:${await freePort()}`;
  const secret = randomBytes(32).toString('base64url');
  const hub = await startTestHub(issuer, HUB_API, { HUB_OIDC_CLIENT_SECRET: secret, ...options.env }, options.settle);
  const dir = mkdtempSync(join(tmpdir(), 'portal-clients-'));
  const clientsFile = join(dir, 'clients.json');
  writeFileSync(
    clientsFile,
    JSON.stringify({
      clients: [
        {
          client_id: 'hub-portal',
          client_name: 'Citizen BillPay',
          client_secret_env: 'TEST_HUB_SECRET',
          redirect_uris: [`${hub.url}/auth/callback`],
          post_logout_redirect_uris: [`${hub.url}/`],
          backchannel_logout_uri: `${hub.url}/auth/backchannel-logout`,
          first_party: true,
        },
      ],
    }),
  );
  const idp = await startTestIdp({ IDP_ISSUER: issuer, IDP_CLIENTS_FILE: clientsFile, TEST_HUB_SECRET: secret });
  return {
    idp,
    hub,
    portal: hub.url,
    close: async () => {
      await idp.close();
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
