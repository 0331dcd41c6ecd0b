import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadBillerRegistry } from '../../../adapters/registry/index.js';
import { startRegistrySandboxes } from '../../../adapters/sandboxes/running-sandboxes.js';
import { buildHub } from '../../../hub/app.js';
import { loadHubConfig, settlementOptionsOf } from '../../../hub/config.js';
import { lateDemandBillerPort } from '../../../hub/demands/demand-biller-port.js';
import { DemandStore } from '../../../hub/demands/demand-store.js';
import { enqueueSettlement, settlementQueue } from '../../../hub/settlement/index.js';
import { type RunningJobs, startWorkerJobs } from '../../../hub/worker/jobs.js';
import { buildIdp } from '../../../idp/app.js';
import { loadIdpConfig } from '../../../idp/config.js';
import { createLogger } from '../../../infra/logger.js';
import { type CapturedMessage, readCaptured } from '../../../infra/notifier/index.js';
import { createRedis } from '../../../infra/redis.js';
import { type StartedService, startService } from '../../../infra/service-runtime.js';
import { loadProviderPortalConfig } from '../../../provider-portal/config.js';
import { providerPortalOptionsOf } from '../../../provider-portal/options.js';
import { startProviderPortal } from '../../../provider-portal/server.js';
import { freePort } from '../../../scripts/local-services/free-port.js';
import { startSandboxGatewayServer } from '../../support/sandbox-gateway-server.js';
import { operatorConsoleClient, operatorIdpEnv, startStackConsole, withOperators } from './operator.js';
import { PROVIDER_PORTAL_CLIENT_ID, providerRolesFile } from './provider.js';

/** Where the stack keeps its data: one MongoDB and one Redis, shared with other suites by name and prefix. */
export interface StackStores {
  mongoUri: string;
  redisUrl: string;
}

export interface CapturedCode {
  code: string;
  /** How many messages that recipient had when the code was read (pass it to wait for the next one). */
  count: number;
}

/** The whole system on random loopback ports, as `npm start` runs it, in this process. */
export interface Stack {
  /** The hub: the portal's pages and /api/v1. */
  portalUrl: string;
  /** The idp's issuer (its sign-in pages and /__dev/messages). */
  idpUrl: string;
  /**
   * The provider portal (provider-portal/), signing in at the same idp as `partner-portal`; its
   * one member is PROVIDER_MEMBER of PROVIDER (support/provider.ts), by the idp's roles file.
   */
  providerPortalUrl: string;
  /**
   * The operator console (operator-console/), signing in at the same idp as `operator-console`; its
   * one operator is OPERATOR of OPERATOR_TEAM (support/operator.ts), by the idp's roles file.
   */
  operatorConsoleUrl: string;
  gatewayUrl: string;
  /** Each registry biller's sandbox URL by its sandbox name (e.g. `sandboxes.electricity`). */
  sandboxes: Readonly<Record<string, string>>;
  /** The portal's client at the idp, as registered there. */
  portalClient: { id: string; secret: string };
  hub: StartedService;
  idp: StartedService;
  worker: RunningJobs;
  /** How many messages the idp's development sink holds for a phone number or email. */
  messageCount(to: string): Promise<number>;
  /**
   * Waits until the sink holds more than `after` messages for `to`, then returns the 6-digit code
   * of the newest one. Throws after `timeoutMs` (default 30 s) without one.
   */
  nextCode(to: string, after: number, timeoutMs?: number): Promise<CapturedCode>;
  /**
   * Waits until the hub's notifier (capture transport: the worker's `notify` jobs store each SMS
   * and email in Redis instead of sending it) holds a message to `to` that `matches`, and returns
   * the newest such one. Throws after `timeoutMs` (default 30 s) without one.
   */
  hubMessage(to: string, matches: (message: CapturedMessage) => boolean, timeoutMs?: number): Promise<CapturedMessage>;
  close(): Promise<void>;
}

const GATEWAY_API_KEY = 'browser-suite-gateway-key-0001';
const GATEWAY_WEBHOOK_SECRET = 'browser-suite-webhook-secret-0001';
const PORTAL_CLIENT_ID = 'hub-portal';

const unique = (label: string) => `${label}_${randomUUID().slice(0, 8)}`;

/** Polls `read` until it gives a value; polling is the only way to see a captured message arrive. */
async function pollFor<T>(read: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts the sandboxes, the sandbox gateway, the idp (with the portal registered at the hub's
 * own callback, post-logout and back-channel URLs, the provider portal likewise at its own, and
 * a roles file naming one provider member), the hub (API + portal, its messages handed to the
 * worker's `notify` jobs as in hub/main.ts), the worker and the provider portal, all on free
 * loopback ports. `logLevel` applies to every service (silent by default;
 * BROWSER_STACK_LOG overrides).
 */
export async function startStack(
  stores: StackStores,
  logLevel = process.env.BROWSER_STACK_LOG ?? 'silent',
): Promise<Stack> {
  const [hubPort, idpPort, providerPort, consolePort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const portalUrl = `http://127.0.0.1:${hubPort}`;
  const idpUrl = `http://127.0.0.1:${idpPort}`;
  const providerPortalUrl = `http://127.0.0.1:${providerPort}`;
  const resource = `${portalUrl}/api`;
  const portalSecret = randomBytes(32).toString('base64url');
  const providerPortalSecret = randomBytes(32).toString('base64url');
  const consoleSecret = randomBytes(32).toString('base64url');
  const operatorConsoleUrl = `http://127.0.0.1:${consolePort}`;
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  try {
    // Billers and the gateway first: the hub needs their URLs.
    const billers = await startRegistrySandboxes();
    cleanups.push(() => billers.close());

    const gatewayServer = await startSandboxGatewayServer({
      apiKey: GATEWAY_API_KEY,
      webhookSecret: GATEWAY_WEBHOOK_SECRET,
      webhookUrl: `${portalUrl}/api/v1/gateway/webhooks`,
      pendingDelayMs: 500,
      webhookBackoffMs: 50,
    });
    const gatewayUrl = gatewayServer.url;
    cleanups.push(() => gatewayServer.close());

    // The idp, with the portal as a first-party client at the hub's real URLs.
    const dir = mkdtempSync(join(tmpdir(), 'browser-stack-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const clientsFile = join(dir, 'clients.json');
    writeFileSync(
      clientsFile,
      JSON.stringify({
        clients: [
          {
            client_id: PORTAL_CLIENT_ID,
            client_name: 'Citizen BillPay',
            client_secret_env: 'HUB_OIDC_CLIENT_SECRET',
            redirect_uris: [`${portalUrl}/auth/callback`],
            post_logout_redirect_uris: [`${portalUrl}/`],
            backchannel_logout_uri: `${portalUrl}/auth/backchannel-logout`,
            first_party: true,
          },
          {
            client_id: PROVIDER_PORTAL_CLIENT_ID,
            client_name: 'Provider Portal',
            client_secret_env: 'PARTNER_OIDC_CLIENT_SECRET',
            redirect_uris: [`${providerPortalUrl}/auth/callback`],
            post_logout_redirect_uris: [`${providerPortalUrl}/`],
            backchannel_logout_uri: `${providerPortalUrl}/auth/backchannel-logout`,
            first_party: true,
            require_pkce: true,
          },
          operatorConsoleClient(operatorConsoleUrl),
        ],
      }),
    );
    const rolesFile = join(dir, 'roles.json');
    writeFileSync(rolesFile, JSON.stringify(withOperators(providerRolesFile())));
    const idpEnv = {
      NODE_ENV: 'test',
      MONGODB_URI: stores.mongoUri,
      REDIS_URL: stores.redisUrl,
      IDP_ISSUER: idpUrl,
      IDP_MONGODB_DB: unique('idp'),
      IDP_COOKIE_KEYS: randomBytes(32).toString('base64url'),
      IDP_OTP_SECRET: randomBytes(32).toString('base64url'),
      IDP_DATA_KEY: randomBytes(32).toString('base64'),
      IDP_CLIENTS_FILE: clientsFile,
      IDP_ROLES_FILE: rolesFile,
      HUB_API_RESOURCE: resource,
      // The portal's back-channel endpoint is on loopback, which the idp otherwise refuses to call.
      IDP_OUTBOUND_ALLOW_PRIVATE: 'true',
      // Every sign-in of the suite comes from 127.0.0.1.
      OTP_SENDS_PER_IP_PER_HOUR: '1000',
      OTP_RESEND_COOLDOWN_SECONDS: '1',
      HUB_OIDC_CLIENT_SECRET: portalSecret,
      PARTNER_OIDC_CLIENT_SECRET: providerPortalSecret,
      ...operatorIdpEnv(consoleSecret),
    };
    const idpConfig = loadIdpConfig(idpEnv);
    const idp = await startService({
      name: 'idp',
      port: idpPort,
      host: '127.0.0.1',
      mongoUri: idpConfig.MONGODB_URI,
      mongoDb: idpConfig.IDP_MONGODB_DB,
      redisUrl: idpConfig.REDIS_URL,
      redisKeyPrefix: `${unique('idp')}:`,
      logger: createLogger('idp', logLevel),
      build: (deps) => buildIdp(idpConfig, deps, idpEnv),
    });
    cleanups.push(async () => {
      await idp.mongo.dropDatabase();
      await idp.close();
    });

    // As hub/main.ts: the payment-demands biller reads the hub's demand store once Mongo is up.
    const demandPort = lateDemandBillerPort();
    const registry = await loadBillerRegistry(resolve(import.meta.dirname, '../../../adapters/billers.json'), {
      services: { demands: demandPort },
      env: billers.env,
    });
    const hubConfig = loadHubConfig({
      NODE_ENV: 'test',
      MONGODB_URI: stores.mongoUri,
      REDIS_URL: stores.redisUrl,
      HUB_PORT: String(hubPort),
      HUB_MONGODB_DB: unique('hub'),
      IDP_ISSUER: idpUrl,
      HUB_API_RESOURCE: resource,
      GATEWAY_BASE_URL: gatewayUrl,
      GATEWAY_API_KEY,
      GATEWAY_WEBHOOK_SECRET,
      CHECKOUT_RETURN_URL: `${portalUrl}/checkout/return`,
      // The portal's client at the idp; receipts' QR codes point at this hub's /verify.
      HUB_OIDC_CLIENT_ID: PORTAL_CLIENT_ID,
      HUB_OIDC_CLIENT_SECRET: portalSecret,
      HUB_PUBLIC_URL: portalUrl,
      // Fast retries and polls, and a queue of its own.
      SETTLEMENT_QUEUE_PREFIX: unique('bull'),
      SETTLEMENT_BACKOFF_MS: '50',
      SETTLEMENT_POLL_DELAY_MS: '100',
      SETTLEMENT_SWEEP_EVERY_MS: '0',
      // A line whose outcome is unknown waits for an operator's action (the operator journey), not for the scheduler.
      SETTLEMENT_ENQUIRY_DELAY_MS: '3600000',
    });
    const queueConnection = createRedis(hubConfig.REDIS_URL, { forBlockingCommands: true });
    const queue = settlementQueue(queueConnection, settlementOptionsOf(hubConfig));
    cleanups.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
      await queueConnection.quit();
    });
    const hub = await startService({
      name: 'hub',
      port: hubPort,
      host: '127.0.0.1',
      mongoUri: hubConfig.MONGODB_URI,
      mongoDb: hubConfig.HUB_MONGODB_DB,
      redisUrl: hubConfig.REDIS_URL,
      redisKeyPrefix: `${unique('hub')}:`,
      logger: createLogger('hub', logLevel),
      build: (deps) => {
        demandPort.bind(new DemandStore(deps.mongo));
        return buildHub(hubConfig, registry, deps, {
          publicUrl: portalUrl,
          // As hub/main.ts: the API records a message and the worker's notify job sends it.
          notifyQueue: queue,
          // As hub/main.ts: operators' actions hand lines back to settlement on the same queue.
          workQueue: queue,
          startSettlement: async (payment) => {
            await enqueueSettlement(queue, payment);
          },
        });
      },
    });
    cleanups.push(async () => {
      await hub.mongo.dropDatabase();
      await hub.close();
    });
    const worker = await startWorkerJobs(hubConfig, {
      mongo: hub.mongo,
      redis: hub.redis,
      log: createLogger('worker', logLevel),
      billers: registry,
    });
    cleanups.push(() => worker.close());

    // The provider portal, configured through its own environment schema, calling this hub's API.
    const providerConfig = loadProviderPortalConfig({
      NODE_ENV: 'test',
      REDIS_URL: stores.redisUrl,
      PROVIDER_PORTAL_PORT: String(providerPort),
      PROVIDER_PORTAL_PUBLIC_URL: providerPortalUrl,
      IDP_ISSUER: idpUrl,
      PARTNER_OIDC_CLIENT_ID: PROVIDER_PORTAL_CLIENT_ID,
      PARTNER_OIDC_CLIENT_SECRET: providerPortalSecret,
      HUB_API_RESOURCE: resource,
      PROVIDER_PORTAL_HUB_API_URL: `${portalUrl}/api/v1`,
    });
    const providerPortal = await startProviderPortal(providerPortalOptionsOf(providerConfig), {
      port: providerPort,
      host: '127.0.0.1',
      redisUrl: providerConfig.REDIS_URL,
      redisKeyPrefix: `${unique('provider-portal')}:`,
      log: createLogger('provider-portal', logLevel),
    });
    cleanups.push(() => providerPortal.close());

    const operatorConsole = await startStackConsole({
      port: consolePort,
      idpUrl,
      resource,
      apiUrl: `${portalUrl}/api/v1`,
      secret: consoleSecret,
      redisUrl: stores.redisUrl,
      redisKeyPrefix: `${unique('operator-console')}:`,
      logLevel,
    });
    cleanups.push(() => operatorConsole.close());

    const messages = async (to: string): Promise<{ text: string }[]> => {
      const res = await fetch(`${idpUrl}/__dev/messages?to=${encodeURIComponent(to)}`, {
        signal: AbortSignal.timeout(5_000),
      });
      if (!res.ok) throw new Error(`GET /__dev/messages answered ${res.status}`);
      return (await res.json()) as { text: string }[];
    };
    const messageCount = async (to: string) => (await messages(to)).length;
    const nextCode = async (to: string, after: number, timeoutMs = 30_000): Promise<CapturedCode> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const list = await messages(to);
        const code = list.length > after ? list[0]?.text.match(/\b(\d{6})\b/)?.[1] : undefined;
        if (code) return { code, count: list.length };
        if (Date.now() > deadline) throw new Error(`no new one-time code reached ${to} within ${timeoutMs} ms`);
        // Polling the sink is the only way to see a message arrive; the deadline above bounds it.
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const hubMessage = (to: string, matches: (message: CapturedMessage) => boolean, timeoutMs = 30_000) =>
      pollFor(
        async () => (await readCaptured(hub.redis, to)).find(matches),
        timeoutMs,
        `no matching message from the hub reached ${to}`,
      );

    return {
      portalUrl,
      idpUrl,
      providerPortalUrl,
      operatorConsoleUrl,
      gatewayUrl,
      sandboxes: Object.fromEntries(billers.running.map(({ sandbox, url }) => [sandbox.name, url])),
      portalClient: { id: PORTAL_CLIENT_ID, secret: portalSecret },
      hub,
      idp,
      worker,
      messageCount,
      nextCode,
      hubMessage,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
