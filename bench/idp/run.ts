/**
 * npm run bench:idp — the identity provider on this machine, in one run:
 *   1. complete OTP logins per second (authorize → identifier → code → name → code exchange) by new
 *      citizens, with the idp as one process and as a cluster of `processes` (IDP_PROCESSES, as
 *      idp/main.ts runs it), and by returning citizens (no name page) with the idp as one process
 *   2. refresh_token grants (rotation on) and 3. client_credentials grants against the idp (one process)
 *   4. the same refresh and client-credentials load against a bare oidc-provider on the same Redis
 *      adapter (the baseline)
 * Each phase warms up until its throughput is stable (bench/shared/stable-warmup.ts), then measures
 * a window: ops/s, latency, CPU ms per operation of every server process (idp processes, redis-server,
 * the MongoDB JVM; from /proc) and Redis commands per operation. Each server runs in a child process
 * (bench/idp/server.ts); this process is the load generator. Results: a table on stdout and
 * bench/results/idp-<date>.json.
 *
 * Settings (argv --name=value, or env BENCH_NAME): duration (s per window, 20), warmup-max (s, 30),
 * login-concurrency (16), refresh-concurrency (32), client-credentials-concurrency (32), processes
 * (the clustered idp's IDP_PROCESSES, 2), profile (s of CPU profile per one-process phase, 4; 0 = off),
 * scope ('openid profile email'), log-level (the idp's LOG_LEVEL, 'silent'), keep-profiles (0/1: write
 * the .cpuprofile files to bench/results/), quiet-wait (s to wait at the start for other load, 30).
 * MONGODB_URI / REDIS_URL are used when set; otherwise private local servers are started.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as oidc from 'openid-client';
import { readCaptured } from '../../infra/notifier/index.js';
import { createRedis, type Redis } from '../../infra/redis.js';
import { freePort } from '../../scripts/local-services/free-port.js';
import { startLocalServices } from '../../scripts/local-services/index.js';
import { type MachineFacts, machineFacts } from '../shared/machine.js';
import { numberSetting, setting } from '../shared/settings.js';
import { clientCredentialsOnce } from './client-credentials.js';
import { HttpClient } from './http-client.js';
import { runPhase } from './load.js';
import {
  type BenchClient,
  LOGIN_STEPS,
  type LoginTarget,
  loginOnce,
  type MachineBenchClient,
  type StepTimes,
} from './login-flow.js';
import { summariseProfile } from './profile.js';
import { type RefreshTarget, refreshOnce, TokenChains } from './refresh.js';
import { type BenchReport, type LoginsMeasured, type Measured, printReport, ratio, TARGETS } from './report.js';
import { ServerProcess } from './server-process.js';
import { type Snapshot, takeSnapshot, usageBetween, waitForQuiet } from './usage.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HUB_API = 'http://127.0.0.1:3999/api';

const settings = {
  durationSeconds: numberSetting('duration', 20),
  warmupMaxSeconds: numberSetting('warmup-max', 30),
  loginConcurrency: numberSetting('login-concurrency', 16),
  refreshConcurrency: numberSetting('refresh-concurrency', 32),
  clientCredentialsConcurrency: numberSetting('client-credentials-concurrency', 32),
  clusterProcesses: numberSetting('processes', 2),
  profileSeconds: numberSetting('profile', 4),
  scope: setting('scope', 'openid profile email'),
  idpLogLevel: setting('log-level', 'silent'),
  keepProfiles: setting('keep-profiles', '0') === '1',
  /** Wait up to this long at the start for CPU load from outside the benchmark to pass. */
  quietWaitSeconds: numberSetting('quiet-wait', 30),
};

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The machine when the first measured window opened (bench/shared/machine.ts). */
let machine: MachineFacts | undefined;

/**
 * Runs a phase: load until throughput is stable, then a window with server, Redis, MongoDB,
 * load-generator and machine CPU sampled exactly over it.
 */
async function measured(
  server: ServerProcess,
  name: string,
  redis: Redis,
  concurrency: number,
  operation: (user: number) => Promise<void>,
  onWindowStart?: () => void,
): Promise<Measured> {
  let start: Promise<Snapshot> | undefined;
  let end: Promise<Snapshot> | undefined;
  const result = await runPhase(
    { concurrency, warmup: { maxMs: settings.warmupMaxSeconds * 1000 }, durationMs: settings.durationSeconds * 1000 },
    operation,
    {
      onWindowStart: async () => {
        machine ??= machineFacts();
        onWindowStart?.();
        start = takeSnapshot(server, redis);
        await start;
      },
      onWindowEnd: async () => {
        end = takeSnapshot(server, redis);
        await end;
      },
    },
  );
  if (!start || !end) throw new Error('the measured window was not sampled');
  return { ...result, usage: usageBetween(await start, await end, result.count, name) };
}

/** A short extra stretch of the same load with the server's CPU profiler on; not part of the numbers. */
async function profiled(
  server: ServerProcess,
  label: string,
  concurrency: number,
  operation: (user: number) => Promise<void>,
  profileDir: string,
) {
  if (settings.profileSeconds <= 0) return undefined;
  const file = join(profileDir, `${label}.cpuprofile`);
  await server.send({ cmd: 'profile-start', intervalUs: 500 });
  await runPhase({ concurrency, warmup: false, durationMs: settings.profileSeconds * 1000 }, operation);
  await server.send({ cmd: 'profile-stop', file });
  return { ...summariseProfile(file), ...(settings.keepProfiles ? { file } : {}) };
}

function refreshOperation(http: HttpClient, target: RefreshTarget, chains: TokenChains) {
  return async (user: number) => {
    const token = chains.take(user);
    try {
      chains.advance(user, await refreshOnce(http, target, token));
    } catch (error) {
      chains.broke(user);
      throw error;
    }
  };
}

/**
 * Complete logins, keeping the latest refresh tokens for the refresh phase. `operation` signs in a
 * new citizen each time (the first sign-in, which registers a name); `returning` signs in again,
 * in turn, the citizens that `operation` registered at the same idp (no name page, no insert).
 */
class Logins {
  readonly refreshTokens: string[] = [];
  /** Emails registered by completed first sign-ins, by the idp's issuer. */
  private readonly registered = new Map<string, string[]>();
  private nextReturning = 0;
  private sequence = 0;
  private steps: StepTimes = {};
  private counted = 0;

  constructor(
    private readonly runId: string,
    private readonly keep: number,
  ) {}

  operation(http: HttpClient, target: LoginTarget, label: string) {
    return async () => {
      const email = `c${this.runId}-${label.replace(/\W+/g, '')}-${this.sequence++}@bench.example.org`;
      const own: StepTimes = {};
      await this.loginAs(http, target, email);
      const emails = this.registered.get(target.issuer) ?? [];
      emails.push(email);
      this.registered.set(target.issuer, emails);
    };
  }

  /** Logins by citizens registered at this idp before, each in turn (a pool of thousands: no two at once). */
  returning(http: HttpClient, target: LoginTarget) {
    const emails = this.registered.get(target.issuer) ?? [];
    if (emails.length < 100) throw new Error(`only ${emails.length} citizens registered at ${target.issuer}`);
    return () => this.loginAs(http, target, emails[this.nextReturning++ % emails.length] as string);
  }

  private async loginAs(http: HttpClient, target: LoginTarget, email: string): Promise<void> {
    const own: StepTimes = {};
    const token = await loginOnce(http, target, email, own);
    for (const [step, ms] of Object.entries(own)) this.steps[step] = (this.steps[step] ?? 0) + ms;
    this.counted++;
    this.refreshTokens.push(token);
    if (this.refreshTokens.length > this.keep * 2) this.refreshTokens.splice(0, this.refreshTokens.length - this.keep);
  }

  /** Starts the per-step means afresh (when the measured window opens). */
  resetSteps(): void {
    this.steps = {};
    this.counted = 0;
  }

  meanStepMs(): Record<string, number> {
    return Object.fromEntries(
      LOGIN_STEPS.filter((step) => this.steps[step] !== undefined).map((step) => [
        step,
        Math.round(((this.steps[step] ?? 0) / Math.max(1, this.counted)) * 10) / 10,
      ]),
    );
  }
}

async function main() {
  const startedAt = new Date();
  const runId = randomBytes(4).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'bench-idp-'));
  const resultsDir = join(ROOT, 'bench/results');
  const profileDir = settings.keepProfiles ? resultsDir : work;
  mkdirSync(resultsDir, { recursive: true });
  const log = (line: string) =>
    console.log(`[bench:idp ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)}s] ${line}`);

  log(
    `settings: warm-up until stable (at most ${settings.warmupMaxSeconds}s) + ${settings.durationSeconds}s per phase, ` +
      `${settings.loginConcurrency} login users, ${settings.refreshConcurrency} refresh users, ` +
      `${settings.clientCredentialsConcurrency} client-credentials users, idp at 1 and ${settings.clusterProcesses} processes`,
  );
  const quiet = await waitForQuiet(settings.quietWaitSeconds * 1000);
  const background = quiet.load;
  log(
    `machine CPU before starting anything: ${background}% (100% = one core)` +
      (quiet.waitedMs > 1500 ? `, after waiting ${Math.round(quiet.waitedMs / 1000)}s for other load to pass` : ''),
  );
  const services = await startLocalServices({ mode: 'test' });
  log(
    `MongoDB ${services.started.mongo ? 'local mongo-java-server (in memory)' : 'from MONGODB_URI'}, ` +
      `Redis ${services.started.redis ? 'local redis-server' : 'from REDIS_URL'}`,
  );

  const cleanups: (() => Promise<void>)[] = [];
  const prefixes: string[] = [];
  const redisClients: Redis[] = [];
  try {
    const client: BenchClient = {
      id: 'hub-portal',
      secret: randomBytes(32).toString('base64url'),
      redirectUri: 'http://127.0.0.1:9/hub-portal/callback',
    };
    const machineClient: MachineBenchClient = {
      id: 'bench-machine',
      secret: randomBytes(32).toString('base64url'),
      scope: 'billers:read',
    };
    const clientsFile = join(work, 'clients.json');
    writeFileSync(
      clientsFile,
      JSON.stringify({
        clients: [
          {
            client_id: client.id,
            client_secret_env: 'BENCH_HUB_SECRET',
            redirect_uris: [client.redirectUri],
            first_party: true,
          },
          {
            client_id: machineClient.id,
            client_name: 'Bench machine client',
            client_secret_env: 'BENCH_MACHINE_SECRET',
            grant_types: ['client_credentials'],
            client_credentials_scopes: [machineClient.scope],
          },
        ],
      }),
    );
    const statsRedis = createRedis(services.redisUrl);
    redisClients.push(statsRedis);

    /** Our idp as `processes` processes (IDP_PROCESSES) in a child, with the login target for it. */
    const startIdp = async (processes: number) => {
      const port = await freePort();
      const issuer = `http://127.0.0.1:${port}`;
      const prefix = `bench-idp-${runId}-${processes}:`;
      prefixes.push(prefix);
      const huge = '1000000000';
      const server = await ServerProcess.start(
        'ours',
        {
          NODE_ENV: 'test',
          LOG_LEVEL: settings.idpLogLevel,
          MONGODB_URI: services.mongoUri,
          REDIS_URL: services.redisUrl,
          IDP_PROCESSES: String(processes),
          IDP_PORT: String(port),
          IDP_ISSUER: issuer,
          IDP_MONGODB_DB: `bench_idp_${runId}_${processes}`,
          IDP_COOKIE_KEYS: randomBytes(32).toString('base64url'),
          IDP_OTP_SECRET: randomBytes(32).toString('base64url'),
          IDP_DATA_KEY: randomBytes(32).toString('base64'),
          IDP_CLIENTS_FILE: clientsFile,
          HUB_API_RESOURCE: HUB_API,
          NOTIFIER_TRANSPORT: 'capture',
          BENCH_HUB_SECRET: client.secret,
          BENCH_MACHINE_SECRET: machineClient.secret,
          BENCH_REDIS_PREFIX: prefix,
          // Rate limits are not what is measured here.
          OTP_SENDS_PER_IDENTIFIER_PER_HOUR: huge,
          OTP_SENDS_PER_IP_PER_HOUR: huge,
          OTP_FAILURES_BEFORE_LOCK: huge,
          OTP_MAX_ATTEMPTS: huge,
        },
        ROOT,
      );
      cleanups.push(() => server.stop());
      const codeReader = createRedis(services.redisUrl, { keyPrefix: prefix });
      redisClients.push(codeReader);
      const rp = await oidc.discovery(new URL(issuer), client.id, client.secret, undefined, {
        execute: [oidc.allowInsecureRequests],
      });
      const target: LoginTarget = {
        issuer,
        rp,
        client,
        scope: settings.scope,
        readCode: async (to) => {
          const [latest] = await readCaptured(codeReader, to);
          const code = latest?.text.match(/\b(\d{6})\b/)?.[1];
          if (!code) throw new Error(`no code was sent to ${to}`);
          return code;
        },
      };
      const idle = await server.stats();
      log(`idp up at ${issuer}: ${processes} process(es), pid ${server.pid}, RSS ${mb(idle.rssBytes)} MB`);
      return { server, target, tokenEndpoint: new URL(String(rp.serverMetadata().token_endpoint)), idle };
    };

    const keepTokens = Math.max(256, settings.refreshConcurrency * 8);
    const logins = new Logins(runId, keepTokens);
    const loginPhase = async (
      idp: Awaited<ReturnType<typeof startIdp>>,
      label: string,
      who: 'new' | 'returning' = 'new',
    ): Promise<LoginsMeasured> => {
      const http = new HttpClient(settings.loginConcurrency);
      try {
        log(
          who === 'new'
            ? `logins (${label}): ${settings.loginConcurrency} users, every login a new email (so it registers a name)`
            : `logins (${label}): ${settings.loginConcurrency} users, each signing in a citizen registered above`,
        );
        const result = await measured(
          idp.server,
          'idp',
          statsRedis,
          settings.loginConcurrency,
          who === 'new' ? logins.operation(http, idp.target, label) : logins.returning(http, idp.target),
          () => logins.resetSteps(),
        );
        log(
          `logins (${label}): ${result.perSecond}/s, p50 ${result.latencyMs.p50} ms, ` +
            `${result.usage.cpuMsPerOp.total} CPU ms/login, warm-up ${result.warmup?.ms} ms`,
        );
        return { ...result, meanStepMs: logins.meanStepMs() };
      } finally {
        http.close();
      }
    };

    // --- 1-3. the idp as one process: logins, refresh, client credentials ---------------------------
    const single = await startIdp(1);
    const loginsOne = await loginPhase(single, '1 process');
    const returningOne = await loginPhase(single, '1 process, returning citizens', 'returning');
    const afterLogins = await single.server.stats();
    const profileHttp = new HttpClient(settings.loginConcurrency);
    const loginProfile = await profiled(
      single.server,
      'logins',
      settings.loginConcurrency,
      logins.operation(profileHttp, single.target, 'profile'),
      profileDir,
    );
    profileHttp.close();

    const refreshHttp = new HttpClient(settings.refreshConcurrency);
    const oursChains = new TokenChains(logins.refreshTokens.slice(-keepTokens), settings.refreshConcurrency);
    const oursRefresh = refreshOperation(refreshHttp, { tokenEndpoint: single.tokenEndpoint, client }, oursChains);
    log(`refresh (idp): ${settings.refreshConcurrency} users, each rotating a refresh token from one of the logins`);
    const refreshIdp = await measured(single.server, 'idp', statsRedis, settings.refreshConcurrency, oursRefresh);
    log(`refresh (idp): ${refreshIdp.perSecond}/s, ${refreshIdp.usage.cpuMsPerOp.total} CPU ms/refresh`);
    const refreshIdpProfile = await profiled(
      single.server,
      'refresh-idp',
      settings.refreshConcurrency,
      oursRefresh,
      profileDir,
    );

    const grantHttp = new HttpClient(settings.clientCredentialsConcurrency);
    const oursGrant = () =>
      clientCredentialsOnce(grantHttp, {
        tokenEndpoint: single.tokenEndpoint,
        client: machineClient,
        resource: HUB_API,
      });
    log(`client credentials (idp): ${settings.clientCredentialsConcurrency} users, JWT access tokens for the hub API`);
    const grantsIdp = await measured(
      single.server,
      'idp',
      statsRedis,
      settings.clientCredentialsConcurrency,
      oursGrant,
    );
    log(`client credentials (idp): ${grantsIdp.perSecond}/s, ${grantsIdp.usage.cpuMsPerOp.total} CPU ms/grant`);
    const grantsIdpProfile = await profiled(
      single.server,
      'client-credentials-idp',
      settings.clientCredentialsConcurrency,
      oursGrant,
      profileDir,
    );
    const afterAll = await single.server.stats();
    await single.server.stop();

    // --- 4. logins with the idp as a cluster ----------------------------------------------------------
    const clustered = await startIdp(settings.clusterProcesses);
    const loginsCluster = await loginPhase(clustered, `${settings.clusterProcesses} processes`);
    const clusterAfterLogins = await clustered.server.stats();
    await clustered.server.stop();

    // --- 5-6. the bare oidc-provider: refresh and client credentials ------------------------------
    const barePort = await freePort();
    const bareIssuer = `http://127.0.0.1:${barePort}`;
    const barePrefix = `bench-bare-${runId}:`;
    prefixes.push(barePrefix);
    const bare = await ServerProcess.start(
      'bare',
      {
        REDIS_URL: services.redisUrl,
        BENCH_PORT: String(barePort),
        BENCH_ISSUER: bareIssuer,
        BENCH_REDIS_PREFIX: barePrefix,
        BENCH_CLIENT: JSON.stringify(client),
        BENCH_MACHINE_CLIENT: JSON.stringify(machineClient),
        BENCH_RESOURCE: HUB_API,
        BENCH_COOKIE_KEY: randomBytes(32).toString('base64url'),
        BENCH_SCOPE: settings.scope,
      },
      ROOT,
    );
    cleanups.push(() => bare.stop());
    const bareIdle = await bare.stats();
    const bareTokens = await bare.send<string[]>({ cmd: 'mint', count: keepTokens });
    log(`bare oidc-provider up at ${bare.url} (pid ${bare.pid}); ${bareTokens.length} refresh tokens minted`);
    const bareEndpoint = new URL('/token', bareIssuer);
    const bareChains = new TokenChains(bareTokens, settings.refreshConcurrency);
    const bareRefresh = refreshOperation(refreshHttp, { tokenEndpoint: bareEndpoint, client }, bareChains);
    const refreshBare = await measured(bare, 'bare provider', statsRedis, settings.refreshConcurrency, bareRefresh);
    log(`refresh (bare): ${refreshBare.perSecond}/s, ${refreshBare.usage.cpuMsPerOp.total} CPU ms/refresh`);
    const refreshBareProfile = await profiled(
      bare,
      'refresh-bare',
      settings.refreshConcurrency,
      bareRefresh,
      profileDir,
    );
    const bareGrant = () =>
      clientCredentialsOnce(grantHttp, { tokenEndpoint: bareEndpoint, client: machineClient, resource: HUB_API });
    const grantsBare = await measured(
      bare,
      'bare provider',
      statsRedis,
      settings.clientCredentialsConcurrency,
      bareGrant,
    );
    log(`client credentials (bare): ${grantsBare.perSecond}/s, ${grantsBare.usage.cpuMsPerOp.total} CPU ms/grant`);
    const bareAfter = await bare.stats();
    await bare.stop();
    refreshHttp.close();
    grantHttp.close();

    // --- report -------------------------------------------------------------------------------
    const report: BenchReport = {
      startedAt: startedAt.toISOString(),
      machine: machine ?? machineFacts(),
      services: {
        mongo: services.started.mongo ? 'local mongo-java-server 1.47 (memory backend)' : 'MONGODB_URI',
        redis: services.started.redis ? 'local redis-server' : 'REDIS_URL',
      },
      settings,
      targets: TARGETS,
      backgroundLoadPercent: background,
      logins: {
        oneProcess: loginsOne,
        returning: returningOne,
        clustered: loginsCluster,
        processes: settings.clusterProcesses,
        ratioClusteredToOne: ratio(loginsCluster.perSecond, loginsOne.perSecond),
      },
      refresh: {
        idp: refreshIdp,
        bare: refreshBare,
        ratioIdpToBare: ratio(refreshIdp.perSecond, refreshBare.perSecond),
      },
      clientCredentials: {
        idp: grantsIdp,
        bare: grantsBare,
        ratioIdpToBare: ratio(grantsIdp.perSecond, grantsBare.perSecond),
      },
      rss: {
        where:
          'server child process(es) (bench/idp/server.ts; a cluster: primary + workers summed), RSS; peak = getrusage maxRSS',
        idpIdleMb: mb(single.idle.rssBytes),
        idpAfterLoginsMb: mb(afterLogins.rssBytes),
        idpAfterAllMb: mb(afterAll.rssBytes),
        idpPeakMb: mb(afterAll.maxRssBytes),
        clusterIdleMb: mb(clustered.idle.rssBytes),
        clusterAfterLoginsMb: mb(clusterAfterLogins.rssBytes),
        bareIdleMb: mb(bareIdle.rssBytes),
        bareAfterMb: mb(bareAfter.rssBytes),
        barePeakMb: mb(bareAfter.maxRssBytes),
      },
      profiles: {
        logins: loginProfile,
        refreshIdp: refreshIdpProfile,
        clientCredentialsIdp: grantsIdpProfile,
        refreshBare: refreshBareProfile,
      },
    };
    const stamp = startedAt
      .toISOString()
      .replace(/:/g, '-')
      .replace(/\.\d+Z$/, 'Z');
    const file = join(resultsDir, `idp-${stamp}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    printReport(report);
    console.log(`\nwritten: ${file}`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    const [statsRedis] = redisClients;
    if (statsRedis && !services.started.redis) {
      // A shared Redis keeps nothing of this run.
      for (const prefix of prefixes) await deleteKeys(statsRedis, prefix);
    }
    for (const redis of redisClients) await redis.quit().catch(() => undefined);
    await services.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  // The connection's keyPrefix is not applied to SCAN patterns; its DEL would add it twice.
  const raw = redis.duplicate({ keyPrefix: '' });
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await raw.unlink(...keys);
  } while (cursor !== '0');
  await raw.quit();
}

await main();
// Everything was closed above; this only guards against a handle some library leaves behind.
setTimeout(() => process.exit(0), 2000).unref();
