import { createServer, type IncomingMessage, type Server } from 'node:http';
import { inject } from 'vitest';
import { buildIdp } from '../../../idp/app.js';
import { loadIdpConfig } from '../../../idp/config.js';
import { proxyTrustOf } from '../../../infra/config.js';
import { createLogger } from '../../../infra/logger.js';
import { type CapturedMessage, readCaptured } from '../../../infra/notifier/index.js';
import { type StartedService, startService } from '../../../infra/service-runtime.js';
import { freePort } from '../../../scripts/local-services/free-port.js';
import { uniqueName } from '../../support/isolation.js';
import { clientEntry, idpKeys, testClient, writeClientsFile } from './idp-start-up.js';

export const HUB_API = 'http://127.0.0.1:3999/api';

export interface TestClient {
  id: string;
  secret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
}

export interface TestIdp {
  issuer: string;
  service: StartedService;
  hub: TestClient;
  partner: TestClient;
  /** Logout tokens the partner's back-channel endpoint received. */
  backchannelLogouts: string[];
  messages: (to: string) => Promise<CapturedMessage[]>;
  latestCode: (to: string) => Promise<string>;
  /** Stops the idp; `keepDatabase` leaves its MongoDB data for a restart. */
  close: (options?: { keepDatabase?: boolean }) => Promise<void>;
}

export interface TestIdpOptions {
  /** Reuse another test idp's Redis key space (a restart of the same idp). */
  redisKeyPrefix?: string;
  /** More entries for the clients file (their secrets' variables go in `env`). */
  extraClients?: Record<string, unknown>[];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => resolve(body));
  });
}

/** An idp on a free port with its own database and Redis key space, and two registered clients. */
export async function startTestIdp(env: Record<string, string> = {}, options: TestIdpOptions = {}): Promise<TestIdp> {
  const backchannelLogouts: string[] = [];
  const receiver: Server = createServer(async (req, res) => {
    const body = new URLSearchParams(await readBody(req));
    backchannelLogouts.push(body.get('logout_token') ?? '');
    res.writeHead(200).end();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const receiverPort = (receiver.address() as { port: number }).port;

  const hub = testClient('hub-portal', env.TEST_HUB_SECRET);
  const partner = testClient('partner-portal', env.TEST_PARTNER_SECRET);
  const clientsFile = writeClientsFile('idp-test-', [
    clientEntry(hub, 'TEST_HUB_SECRET', {
      post_logout_redirect_uris: [hub.postLogoutRedirectUri],
      first_party: true,
      // As in idp/clients.example.json: our own portal always sends PKCE.
      require_pkce: true,
    }),
    clientEntry(partner, 'TEST_PARTNER_SECRET', {
      client_name: 'Partner Portal',
      post_logout_redirect_uris: [partner.postLogoutRedirectUri],
      backchannel_logout_uri: `http://127.0.0.1:${receiverPort}/backchannel`,
    }),
    ...(options.extraClients ?? []),
  ]);

  // A restart passes the first run's issuer, and so listens on the same port.
  const port = env.IDP_ISSUER ? Number(new URL(env.IDP_ISSUER).port) : await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const environment = {
    NODE_ENV: 'test',
    MONGODB_URI: inject('mongoUri'),
    REDIS_URL: inject('redisUrl'),
    IDP_ISSUER: issuer,
    IDP_MONGODB_DB: uniqueName('idp'),
    ...idpKeys(),
    IDP_CLIENTS_FILE: clientsFile.file,
    HUB_API_RESOURCE: HUB_API,
    IDP_OUTBOUND_ALLOW_PRIVATE: 'true',
    TEST_HUB_SECRET: hub.secret,
    TEST_PARTNER_SECRET: partner.secret,
    ...env,
  };
  const config = loadIdpConfig(environment);
  // Each test idp writes under its own prefix, so suites running side by side never meet.
  const service = await startService({
    name: 'idp',
    port,
    host: '127.0.0.1',
    // As idp/main.ts does: with TRUST_PROXY a test can stand for citizens at different addresses.
    proxy: proxyTrustOf(config),
    mongoUri: config.MONGODB_URI,
    mongoDb: config.IDP_MONGODB_DB,
    redisUrl: config.REDIS_URL,
    redisKeyPrefix: options.redisKeyPrefix ?? `${uniqueName('idp')}:`,
    logger: createLogger('idp', process.env.TEST_IDP_LOG ?? 'silent'),
    build: (deps) => buildIdp(config, deps, environment),
  });

  const messages = (to: string) => readCaptured(service.redis, to);
  return {
    issuer,
    service,
    hub,
    partner,
    backchannelLogouts,
    messages,
    latestCode: async (to) => {
      const [latest] = await messages(to);
      const code = latest?.text.match(/\b(\d{6})\b/)?.[1];
      if (!code) throw new Error(`no code was sent to ${to}`);
      return code;
    },
    close: async ({ keepDatabase = false } = {}) => {
      if (!keepDatabase) await service.mongo.dropDatabase();
      await service.close();
      await new Promise((r) => receiver.close(r));
      clientsFile.remove();
    },
  };
}
