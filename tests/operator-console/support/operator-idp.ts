import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPERATOR_CLAIMS_REQUEST } from '../../../operator-console/oidc/operator-relying-party.js';
import { Browser } from '../../idp/support/browser.js';
import { clientEntry, testClient } from '../../idp/support/idp-start-up.js';
import { login, relyingParty } from '../../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestClient, type TestIdp } from '../../idp/support/test-idp.js';
import { appCode, enrolApp } from './console-stack.js';

/** What the operator console asks for (operator-console/options.ts). */
export const OPERATOR_SCOPES = 'openid profile email operator ops:read ops:write';

export interface OperatorIdp {
  idp: TestIdp;
  /** The operator console's client at the idp (an operator console of the roles file). */
  console: TestClient;
  close: () => Promise<void>;
}

/**
 * A real idp whose roles file makes `operators` the team "BillPay Operations" and `members`
 * members of the provider "City Community Halls", with an operator console client.
 */
export async function startOperatorIdp(operators: string[], members: string[] = []): Promise<OperatorIdp> {
  const consoleClient = testClient('operator-console');
  const dir = mkdtempSync(join(tmpdir(), 'roles-'));
  const rolesFile = join(dir, 'roles.json');
  writeFileSync(
    rolesFile,
    JSON.stringify({
      roles: { provider: { portals: ['partner-portal'] }, operator: { consoles: [consoleClient.id] } },
      organisations: [
        { role: 'provider', id: 'city-halls', name: 'City Community Halls', members },
        { role: 'operator', id: 'billpay-ops', name: 'BillPay Operations', members: operators },
      ],
    }),
  );
  const idp = await startTestIdp(
    {
      OTP_SENDS_PER_IP_PER_HOUR: '1000',
      OTP_SENDS_PER_IDENTIFIER_PER_HOUR: '100',
      IDP_ROLES_FILE: rolesFile,
      TEST_CONSOLE_SECRET: consoleClient.secret,
    },
    {
      extraClients: [
        clientEntry(consoleClient, 'TEST_CONSOLE_SECRET', {
          post_logout_redirect_uris: [consoleClient.postLogoutRedirectUri],
          first_party: true,
          require_pkce: true,
        }),
      ],
    },
  );
  return {
    idp,
    console: consoleClient,
    close: async () => {
      await idp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * An operator's tokens, as the console gets them: the app turned on at the account page, then
 * the code flow at the operator console with the one-time code and the app's code.
 */
export async function operatorLogin({ idp, console: client }: OperatorIdp, identifier: string, name: string) {
  const browser = new Browser([client.redirectUri, `${idp.issuer}/account?iss=`]);
  const secret = await enrolApp(idp, browser, identifier, name);
  const { tokens } = await login(idp, browser, await relyingParty(idp, client), client, {
    identifier,
    totp: () => appCode(secret, 1),
    scope: OPERATOR_SCOPES,
    resource: HUB_API,
    extra: { claims: OPERATOR_CLAIMS_REQUEST },
  });
  return tokens;
}
