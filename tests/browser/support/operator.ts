import { generateSync } from 'otplib';
import { createLogger } from '../../../infra/logger.js';
import { loadOperatorConsoleConfig } from '../../../operator-console/config.js';
import { operatorConsoleOptionsOf } from '../../../operator-console/options.js';
import { startOperatorConsole } from '../../../operator-console/server.js';
import type { Identity } from './idp-pages.js';

/** The operations team of the browser stack, as its idp's roles file names it (`operator_team`: the name). */
export const OPERATOR_TEAM = { id: 'billpay-ops', name: 'BillPay Operations' } as const;

/** The one operator of OPERATOR_TEAM: a person who signs in to the operator console with this mobile number. */
export const OPERATOR: Identity = { identifier: '98000 00009', to: '+919800000009', name: 'Kavya Rao' };

/** The operator console's client at the idp (as `npm start` registers it). */
export const OPERATOR_CONSOLE_CLIENT_ID = 'operator-console';

/** The idp's environment variable holding the console's client secret in the stack's clients file. */
const SECRET_ENV = 'OPERATOR_OIDC_CLIENT_SECRET';

/**
 * The console's client in the idp's clients file (idp/clients.example.json's shape): PKCE, first
 * party, at the console's own callback, post-logout and back-channel URLs.
 */
export function operatorConsoleClient(consoleUrl: string): object {
  return {
    client_id: OPERATOR_CONSOLE_CLIENT_ID,
    client_name: 'Operator Console',
    client_secret_env: SECRET_ENV,
    redirect_uris: [`${consoleUrl}/auth/callback`],
    post_logout_redirect_uris: [`${consoleUrl}/`],
    backchannel_logout_uri: `${consoleUrl}/auth/backchannel-logout`,
    first_party: true,
    require_pkce: true,
  };
}

/**
 * Adds the operator role to a roles file (idp/roles/roles-file.ts's shape): the console is an
 * operator console, and OPERATOR is the one member of OPERATOR_TEAM.
 */
export function withOperators(rolesFile: object): object {
  const { roles = {}, organisations = [] } = rolesFile as { roles?: object; organisations?: object[] };
  return {
    roles: { ...roles, operator: { consoles: [OPERATOR_CONSOLE_CLIENT_ID] } },
    organisations: [...organisations, { role: 'operator', ...OPERATOR_TEAM, members: [OPERATOR.to] }],
  };
}

/** What the idp's environment needs for the console's client: its secret, under SECRET_ENV. */
export const operatorIdpEnv = (secret: string) => ({ [SECRET_ENV]: secret });

/**
 * Starts the operator console (operator-console/server.ts) on `port`, configured through its own
 * environment schema, signing in at `idpUrl` and calling the hub API at `apiUrl`; close it with `close()`.
 */
export async function startStackConsole(options: {
  port: number;
  idpUrl: string;
  resource: string;
  apiUrl: string;
  secret: string;
  redisUrl: string;
  redisKeyPrefix: string;
  logLevel: string;
}): Promise<{ url: string; close: () => Promise<void> }> {
  const url = `http://127.0.0.1:${options.port}`;
  const config = loadOperatorConsoleConfig({
    NODE_ENV: 'test',
    REDIS_URL: options.redisUrl,
    OPERATOR_CONSOLE_PORT: String(options.port),
    OPERATOR_CONSOLE_PUBLIC_URL: url,
    IDP_ISSUER: options.idpUrl,
    OPERATOR_OIDC_CLIENT_ID: OPERATOR_CONSOLE_CLIENT_ID,
    OPERATOR_OIDC_CLIENT_SECRET: options.secret,
    HUB_API_RESOURCE: options.resource,
    OPERATOR_CONSOLE_HUB_API_URL: options.apiUrl,
  });
  const server = await startOperatorConsole(operatorConsoleOptionsOf(config), {
    port: options.port,
    host: '127.0.0.1',
    redisUrl: config.REDIS_URL,
    redisKeyPrefix: options.redisKeyPrefix,
    log: createLogger('operator-console', options.logLevel),
  });
  return { url, close: () => server.close() };
}

/**
 * The authenticator app's code `steps` 30-second steps from now, computed from its secret as the
 * app would (otplib, as the idp's tests do). The idp accepts each step once and one step either
 * side of now, so a sign-in after enrolment uses the next step (1).
 */
export const appCode = (secret: string, steps: number) =>
  generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
