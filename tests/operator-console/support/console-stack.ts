import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSync } from 'otplib';
import { inject } from 'vitest';
import { createLogger } from '../../../infra/logger.js';
import { loadOperatorConsoleConfig } from '../../../operator-console/config.js';
import { operatorConsoleOptionsOf } from '../../../operator-console/options.js';
import { startOperatorConsole } from '../../../operator-console/server.js';
import { freePort } from '../../../scripts/local-services/free-port.js';
import { Browser, type Page } from '../../idp/support/browser.js';
import { completeInteraction, title } from '../../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../../idp/support/test-idp.js';
import { type StubAnswer, type StubCall, startHubStub } from '../../provider-portal/support/hub-stub.js';
import { uniqueName } from '../../support/isolation.js';

/** The operators of the test team, and the team's name as the idp's roles file says. */
export const OPERATOR = 'ops.one@example.org';
export const OPERATOR_WITHOUT_APP = 'ops.two@example.org';
export const TEAM = { id: 'billpay-ops', name: 'BillPay Operations' };
/** A member of a provider organisation: a person with a role, but not an operator. */
export const PROVIDER_MEMBER = '+919800000031';

export interface ConsoleStack {
  idp: TestIdp;
  consoleUrl: string;
  clientId: string;
  hub: Awaited<ReturnType<typeof startHubStub>>;
  close: () => Promise<void>;
}

/**
 * A real idp (a roles file naming OPERATOR and OPERATOR_WITHOUT_APP operators of TEAM and the
 * console's client an operator console), a stubbed hub API answering `answer`, and the operator
 * console between them, all on free ports, configured through the console's own environment schema.
 */
export async function startConsoleStack(answer: (call: StubCall) => StubAnswer): Promise<ConsoleStack> {
  const port = await freePort();
  const consoleUrl = `http://127.0.0.1:${port}`;
  const clientId = 'operator-console-test';
  const secret = randomBytes(32).toString('base64url');
  const dir = mkdtempSync(join(tmpdir(), 'operator-console-'));
  const rolesFile = join(dir, 'roles.json');
  writeFileSync(
    rolesFile,
    JSON.stringify({
      roles: { provider: { portals: ['partner-portal'] }, operator: { consoles: [clientId] } },
      organisations: [
        { role: 'provider', id: 'city-halls', name: 'City Community Halls', members: [PROVIDER_MEMBER] },
        { role: 'operator', ...TEAM, members: [OPERATOR, OPERATOR_WITHOUT_APP] },
      ],
    }),
  );
  const idp = await startTestIdp(
    {
      OTP_SENDS_PER_IP_PER_HOUR: '1000',
      OTP_SENDS_PER_IDENTIFIER_PER_HOUR: '100',
      IDP_ROLES_FILE: rolesFile,
      TEST_OPERATOR_CONSOLE_SECRET: secret,
    },
    {
      extraClients: [
        {
          client_id: clientId,
          client_name: 'Operator Console',
          client_secret_env: 'TEST_OPERATOR_CONSOLE_SECRET',
          redirect_uris: [`${consoleUrl}/auth/callback`],
          post_logout_redirect_uris: [`${consoleUrl}/`],
          first_party: true,
          require_pkce: true,
        },
      ],
    },
  );
  const hub = await startHubStub(answer);
  const config = loadOperatorConsoleConfig({
    NODE_ENV: 'test',
    REDIS_URL: inject('redisUrl'),
    OPERATOR_CONSOLE_PORT: String(port),
    OPERATOR_CONSOLE_PUBLIC_URL: consoleUrl,
    IDP_ISSUER: idp.issuer,
    OPERATOR_OIDC_CLIENT_ID: clientId,
    OPERATOR_OIDC_CLIENT_SECRET: secret,
    HUB_API_RESOURCE: HUB_API,
    OPERATOR_CONSOLE_HUB_API_URL: hub.url,
  });
  const server = await startOperatorConsole(operatorConsoleOptionsOf(config), {
    port,
    host: '127.0.0.1',
    redisUrl: config.REDIS_URL,
    redisKeyPrefix: `${uniqueName('operator-console')}:`,
    log: createLogger('operator-console', process.env.TEST_PORTAL_LOG ?? 'silent'),
  });
  return {
    idp,
    consoleUrl,
    clientId,
    hub,
    close: async () => {
      await server.close();
      await hub.close();
      await idp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A code of the authenticator app `steps` 30-second steps from now (each step is accepted once). */
export const appCode = (secret: string, steps: number) =>
  generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

/**
 * Turns the authenticator app on at the idp's account page, as a person does (signing in there
 * with a one-time code, first creating the account when `name` is given): answers the app's secret.
 */
export async function enrolApp(idp: TestIdp, browser: Browser, identifier: string, name: string): Promise<string> {
  const start = await browser.go(`${idp.issuer}/account`);
  const back = start.status === 0 ? start : await completeInteraction(idp, browser, start, { identifier, name });
  const account = back.status === 0 ? await browser.go(back.url) : back;
  if (title(account) !== 'Your account') throw new Error(`not the account page: ${title(account)}`);
  const enrol = await browser.submit(account, '/account/totp/start');
  const secret = enrol.html.match(/<code>([A-Z2-7]+)<\/code>/)?.[1] ?? '';
  const confirmed = await browser.submit(enrol, '/account/totp/confirm', { code: appCode(secret, 0) });
  if (!confirmed.html.includes('Authenticator app turned on.')) throw new Error('the app was not turned on');
  return secret;
}

/** A fetch browser that follows the console's callback and the idp's account page back to itself. */
export const consoleBrowser = (stack: ConsoleStack) =>
  new Browser([`${stack.consoleUrl}/auth/callback`, `${stack.idp.issuer}/account?iss=`]);

/**
 * Signs an operator in to the console as a person does: turns the authenticator app on at the
 * idp's account page (creating the account as `name`), then signs in at the console with the
 * one-time code and the app's code. Answers the signed-in browser and the page the console lands on.
 */
export async function signInOperator(
  stack: ConsoleStack,
  name = 'Asha Operator',
  identifier = OPERATOR,
): Promise<{ operator: Browser; landing: Page }> {
  const operator = consoleBrowser(stack);
  const secret = await enrolApp(stack.idp, operator, identifier, name);
  const start = await operator.go(`${stack.consoleUrl}/auth/login`);
  const callback = await completeInteraction(stack.idp, operator, start, {
    identifier,
    totp: () => appCode(secret, 1),
  });
  return { operator, landing: await operator.go(callback.url) };
}

/** Starts the console stack over a hub stub answering `answer` and signs the operator in there. */
export async function startSignedInConsole(
  answer: (call: StubCall) => StubAnswer,
): Promise<{ stack: ConsoleStack; operator: Browser; landing: Page }> {
  const stack = await startConsoleStack(answer);
  try {
    return { stack, ...(await signInOperator(stack)) };
  } catch (error) {
    await stack.close();
    throw error;
  }
}

export type { Page, StubAnswer, StubCall };
