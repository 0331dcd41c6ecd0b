/**
 * npm run bench:idp — the identity provider on this machine, in one run:
 *   1. complete OTP logins per second (authorize → identifier → code → name → code exchange) by new
 *      citizens, with the idp as one process and as a cluster of `processes` (IDP_PROCESSES, as
 *      idp/main.ts runs it), and by returning citizens (no name page) with the idp as one process;
 *      the cluster's baseline: two separate one-process idps with half the users each (pair.ts)
 *   2. refresh_token grants (rotation on) and 3. client_credentials grants against the idp (one process)
 *   4. the same refresh and client-credentials load against a bare oidc-provider on the same Redis
 *      adapter (the baseline)
 * All the servers run from the start, and the phases run in `rounds` interleaved rounds: this
 * machine's speed moves by 20-30% from one minute to the next, so each phase reports its median
 * round, and each same-run ratio is the median of ratios taken within one round. The first round
 * warms each phase up until its throughput is stable (bench/shared/stable-warmup.ts); later rounds
 * ramp for 4 s. Each window gives ops/s, latency, CPU ms per operation of every server process (idp
 * processes, redis-server, the MongoDB JVM; from /proc) and Redis commands per operation; a speed
 * probe (bench/shared/speed-probe.ts) before each round records how fast the machine was. Each
 * server runs in a child process (bench/idp/server.ts); this process is the load generator.
 * Results: a table on stdout and bench/results/idp-<date>.json.
 *
 * Settings (argv --name=value, or env BENCH_NAME): rounds (3), duration (s per window, 10),
 * warmup-max (s, 30), login-concurrency (16), refresh-concurrency (32),
 * client-credentials-concurrency (32), processes (the clustered idp's IDP_PROCESSES, 2), profile (s
 * of CPU profile per one-process phase after the rounds, 4; 0 = off), scope ('openid profile
 * email'), log-level (the idp's LOG_LEVEL, 'silent'), keep-profiles (0/1: write the .cpuprofile files
 * to bench/results/), quiet-wait (s to wait at the start for other load, 30).
 * MONGODB_URI / REDIS_URL are used when set; otherwise private local servers are started.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as oidc from 'openid-client';
import { createRedis, type Redis } from '../../infra/redis.js';
import { freePort } from '../../scripts/local-services/free-port.js';
import { startLocalServices } from '../../scripts/local-services/index.js';
import { type MachineFacts, machineFacts } from '../shared/machine.js';
import { boundIfMeasured, scalingBound } from '../shared/machine-bound.js';
import { RESULTS_DIR, writeResult } from '../shared/results.js';
import { numberSetting, setting } from '../shared/settings.js';
import { speedProbe } from '../shared/speed-probe.js';
import type { StableWarmupOptions } from '../shared/stable-warmup.js';
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
import { measurePair, type PairMeasured } from './pair.js';
import { summariseProfile } from './profile.js';
import { type RefreshTarget, refreshOnce, TokenChains } from './refresh.js';
import { type BenchReport, type LoginsMeasured, type Measured, printReport, TARGETS } from './report.js';
import { medianByRate, medianRatio, medianRound } from './rounds.js';
import { ServerProcess } from './server-process.js';
import { SmsSink } from './sms-sink.js';
import { type Snapshot, takeSnapshot, usageBetween, waitForQuiet } from './usage.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HUB_API = 'http://127.0.0.1:3999/api';

const settings = {
  /** Rounds of every phase, interleaved; each phase reports its median round. */
  rounds: numberSetting('rounds', 3),
  durationSeconds: numberSetting('duration', 10),
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

/** How a window is warmed up: until stable (the first round) or a short ramp (the later ones). */
type Warmup = StableWarmupOptions;

/**
 * The load before a later round's window: the phase ran warm in the first round, and the ramp
 * gives its connections and the server's caches back the time the other phases took.
 */
const RAMP_MS = 4000;
const RAMP: Warmup = { minMs: RAMP_MS, maxMs: RAMP_MS };

/**
 * Runs a phase: load until `warmup` ends, then a window with server, Redis, MongoDB,
 * load-generator and machine CPU sampled exactly over it.
 */
async function measured(
  server: ServerProcess,
  name: string,
  redis: Redis,
  concurrency: number,
  operation: (user: number) => Promise<void>,
  warmup: Warmup,
  onWindowStart?: () => void,
): Promise<Measured> {
  let start: Promise<Snapshot> | undefined;
  let end: Promise<Snapshot> | undefined;
  const result = await runPhase({ concurrency, warmup, durationMs: settings.durationSeconds * 1000 }, operation, {
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
  });
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
  /** The latest refresh tokens, by the idp's issuer. */
  private readonly refreshTokens = new Map<string, string[]>();
  /** Phone numbers registered by completed first sign-ins, by the idp's issuer. */
  private readonly registered = new Map<string, string[]>();
  private nextReturning = 0;
  private sequence = 0;
  private steps: StepTimes = {};
  private counted = 0;

  constructor(private readonly keep: number) {}

  /** New citizens, each with a mobile number of its own (+91 9xxxxxxxxx), signing in the first time. */
  operation(http: HttpClient, target: LoginTarget) {
    return async () => {
      const phone = `+919${String(this.sequence++).padStart(9, '0')}`;
      await this.loginAs(http, target, phone);
      const phones = this.registered.get(target.issuer) ?? [];
      phones.push(phone);
      this.registered.set(target.issuer, phones);
    };
  }

  /** Logins by citizens registered at this idp before, each in turn (a pool of thousands: no two at once). */
  returning(http: HttpClient, target: LoginTarget) {
    const phones = this.registered.get(target.issuer) ?? [];
    if (phones.length < 100) throw new Error(`only ${phones.length} citizens registered at ${target.issuer}`);
    return () => this.loginAs(http, target, phones[this.nextReturning++ % phones.length] as string);
  }

  private async loginAs(http: HttpClient, target: LoginTarget, phone: string): Promise<void> {
    const own: StepTimes = {};
    const token = await loginOnce(http, target, phone, own);
    for (const [step, ms] of Object.entries(own)) this.steps[step] = (this.steps[step] ?? 0) + ms;
    this.counted++;
    const tokens = this.refreshTokens.get(target.issuer) ?? [];
    tokens.push(token);
    if (tokens.length > this.keep * 2) tokens.splice(0, tokens.length - this.keep);
    this.refreshTokens.set(target.issuer, tokens);
  }

  /** The latest refresh tokens issued by this idp's logins, oldest first. */
  tokensOf(target: LoginTarget): string[] {
    return this.refreshTokens.get(target.issuer) ?? [];
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
  const resultsDir = RESULTS_DIR;
  const profileDir = settings.keepProfiles ? resultsDir : work;
  mkdirSync(resultsDir, { recursive: true });
  const log = (line: string) =>
    console.log(`[bench:idp ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)}s] ${line}`);

  log(
    `settings: ${settings.rounds} interleaved rounds of ${settings.durationSeconds}s per phase (the first warms up until ` +
      `stable, at most ${settings.warmupMaxSeconds}s; later ones ramp ${RAMP_MS / 1000}s), ` +
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

    const sms = await SmsSink.start(randomBytes(16).toString('base64url'));
    cleanups.push(() => sms.close());
    /** Our idp as `processes` processes (IDP_PROCESSES) in a child, with the login target for it. */
    const startIdp = async (processes: number, name: string) => {
      const port = await freePort();
      const issuer = `http://127.0.0.1:${port}`;
      const prefix = `bench-idp-${runId}-${name}:`;
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
          IDP_MONGODB_DB: `bench_idp_${runId}_${name}`,
          IDP_COOKIE_KEYS: randomBytes(32).toString('base64url'),
          IDP_OTP_SECRET: randomBytes(32).toString('base64url'),
          IDP_DATA_KEY: randomBytes(32).toString('base64'),
          IDP_CLIENTS_FILE: clientsFile,
          HUB_API_RESOURCE: HUB_API,
          // Codes go out as in production: to an SMS gateway over HTTP (here the load generator's).
          NOTIFIER_TRANSPORT: 'live',
          SMS_GATEWAY_URL: sms.url,
          SMS_GATEWAY_TOKEN: sms.token,
          // Required by the live transport; no email is sent (the citizens sign in by phone).
          SMTP_URL: 'smtp://127.0.0.1:9',
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
      const rp = await oidc.discovery(new URL(issuer), client.id, client.secret, undefined, {
        execute: [oidc.allowInsecureRequests],
      });
      const target: LoginTarget = {
        issuer,
        rp,
        client,
        scope: settings.scope,
        readCode: (to) => sms.takeCode(to),
      };
      const idle = await server.stats();
      log(`idp up at ${issuer}: ${processes} process(es), pid ${server.pid}, RSS ${mb(idle.rssBytes)} MB`);
      return { server, target, tokenEndpoint: new URL(String(rp.serverMetadata().token_endpoint)), idle };
    };

    const keepTokens = Math.max(256, settings.refreshConcurrency * 8);
    const logins = new Logins(keepTokens);
    type Idp = Awaited<ReturnType<typeof startIdp>>;
    const loginHttp = new HttpClient(settings.loginConcurrency);
    const refreshHttp = new HttpClient(settings.refreshConcurrency);
    const grantHttp = new HttpClient(settings.clientCredentialsConcurrency);
    cleanups.push(async () => {
      loginHttp.close();
      refreshHttp.close();
      grantHttp.close();
    });

    // --- the servers: the idp as one process and as a cluster, and the bare oidc-provider --------
    const single = await startIdp(1, 'one');
    // A second one-process idp: with `single`, the cluster's baseline (bench/idp/pair.ts).
    const second = await startIdp(1, 'pair');
    const clustered = await startIdp(settings.clusterProcesses, 'cluster');
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

    // --- the operations ----------------------------------------------------------------------------
    const loginsAt = (idp: Idp, who: 'new' | 'returning') =>
      who === 'new' ? logins.operation(loginHttp, idp.target) : logins.returning(loginHttp, idp.target);
    // The idp's refresh chains start from its own logins' tokens, so they are made when the refresh
    // phase first runs (after the first logins).
    let oursRefresh: ((user: number) => Promise<void>) | undefined;
    const refreshIdpOperation = () => {
      oursRefresh ??= refreshOperation(
        refreshHttp,
        { tokenEndpoint: single.tokenEndpoint, client },
        new TokenChains(logins.tokensOf(single.target).slice(-keepTokens), settings.refreshConcurrency),
      );
      return oursRefresh;
    };
    const bareRefresh = refreshOperation(
      refreshHttp,
      { tokenEndpoint: bareEndpoint, client },
      new TokenChains(bareTokens, settings.refreshConcurrency),
    );
    const oursGrant = () =>
      clientCredentialsOnce(grantHttp, {
        tokenEndpoint: single.tokenEndpoint,
        client: machineClient,
        resource: HUB_API,
      });
    const bareGrant = () =>
      clientCredentialsOnce(grantHttp, { tokenEndpoint: bareEndpoint, client: machineClient, resource: HUB_API });

    /** One window of logins; the step means are those of this window. */
    const loginWindow = async (idp: Idp, who: 'new' | 'returning', warmup: Warmup) => {
      const result = await measured(
        idp.server,
        'idp',
        statsRedis,
        settings.loginConcurrency,
        loginsAt(idp, who),
        warmup,
        () => logins.resetSteps(),
      );
      return { ...result, meanStepMs: logins.meanStepMs() };
    };
    const cluster = `${settings.clusterProcesses} processes`;
    const phases = {
      loginsOne: (w: Warmup) => loginWindow(single, 'new', w),
      returning: (w: Warmup) => loginWindow(single, 'returning', w),
      loginsCluster: (w: Warmup) => loginWindow(clustered, 'new', w),
      refreshIdp: (w: Warmup) =>
        measured(single.server, 'idp', statsRedis, settings.refreshConcurrency, refreshIdpOperation(), w),
      refreshBare: (w: Warmup) =>
        measured(bare, 'bare provider', statsRedis, settings.refreshConcurrency, bareRefresh, w),
      grantsIdp: (w: Warmup) =>
        measured(single.server, 'idp', statsRedis, settings.clientCredentialsConcurrency, oursGrant, w),
      grantsBare: (w: Warmup) =>
        measured(bare, 'bare provider', statsRedis, settings.clientCredentialsConcurrency, bareGrant, w),
    };
    const describe: Record<keyof typeof phases, string> = {
      loginsOne: 'logins (1 process, new citizens: each registers a name)',
      returning: 'logins (1 process, returning citizens: registered above, each in turn)',
      loginsCluster: `logins (${cluster}, new citizens)`,
      refreshIdp: 'refresh (idp; rotating refresh tokens from its logins)',
      refreshBare: 'refresh (bare oidc-provider)',
      grantsIdp: 'client credentials (idp; JWT access tokens for the hub API)',
      grantsBare: 'client credentials (bare oidc-provider)',
    };

    // --- the rounds: every phase once per round, interleaved, so that each same-run ratio compares
    // windows a minute apart; the first round warms each phase up until its throughput is stable ---
    const windows = Object.fromEntries(Object.keys(phases).map((key) => [key, []])) as unknown as Record<
      keyof typeof phases,
      Measured[]
    >;
    const pairWindows: PairMeasured[] = [];
    const pairUsers = Math.max(1, Math.floor(settings.loginConcurrency / 2));
    const speedProbeMs: number[] = [];
    for (let round = 1; round <= settings.rounds; round++) {
      const probe = speedProbe();
      speedProbeMs.push(probe);
      log(`round ${round} of ${settings.rounds}: speed probe ${probe} ms (the same CPU work each round)`);
      for (const key of Object.keys(phases) as (keyof typeof phases)[]) {
        const warmup: Warmup = round === 1 ? { maxMs: settings.warmupMaxSeconds * 1000 } : RAMP;
        const result = await phases[key](warmup);
        windows[key].push(result);
        const first =
          round === 1 ? `, warm-up ${result.warmup?.ms} ms (${result.warmup?.windowRates.join(', ')}/s)` : '';
        log(
          `  ${describe[key]}: ${result.perSecond}/s, p50 ${result.latencyMs.p50} ms, ` +
            `${result.usage.cpuMsPerOp.total} CPU ms/op${first}`,
        );
      }
      const pair = await measurePair(
        [
          { server: single.server, operation: logins.operation(loginHttp, single.target) },
          { server: second.server, operation: logins.operation(loginHttp, second.target) },
        ],
        pairUsers,
        round === 1 ? (settings.warmupMaxSeconds * 1000) / 2 : RAMP_MS,
        settings.durationSeconds * 1000,
        statsRedis,
      );
      pairWindows.push(pair);
      log(
        `  logins (2 separate processes, ${pairUsers} new citizens each): ${pair.perSecond}/s ` +
          `(${pair.perProcess.join(' + ')}), ${pair.cpuMsPerOp.total} CPU ms/op`,
      );
    }

    // --- CPU profiles: a short extra stretch of each, not part of the numbers ------------------
    const loginProfile = await profiled(
      single.server,
      'logins',
      settings.loginConcurrency,
      loginsAt(single, 'new'),
      profileDir,
    );
    const refreshIdpProfile = await profiled(
      single.server,
      'refresh-idp',
      settings.refreshConcurrency,
      refreshIdpOperation(),
      profileDir,
    );
    const grantsIdpProfile = await profiled(
      single.server,
      'client-credentials-idp',
      settings.clientCredentialsConcurrency,
      oursGrant,
      profileDir,
    );
    const refreshBareProfile = await profiled(
      bare,
      'refresh-bare',
      settings.refreshConcurrency,
      bareRefresh,
      profileDir,
    );
    const [afterAll, clusterAfter, bareAfter] = await Promise.all([
      single.server.stats(),
      clustered.server.stats(),
      bare.stats(),
    ]);
    await Promise.all([single.server.stop(), second.server.stop(), clustered.server.stop(), bare.stop()]);

    // --- report -------------------------------------------------------------------------------
    const loginsOne = medianRound(windows.loginsOne as LoginsMeasured[]);
    const loginsCluster = medianRound(windows.loginsCluster as LoginsMeasured[]);
    const clusterRatio = medianRatio(windows.loginsCluster, windows.loginsOne);
    const refreshRatio = medianRatio(windows.refreshIdp, windows.refreshBare);
    const grantsRatio = medianRatio(windows.grantsIdp, windows.grantsBare);
    const pairToOne = medianRatio(pairWindows, windows.loginsOne);
    const clusterToPair = medianRatio(windows.loginsCluster, pairWindows);
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
      speedProbeMs,
      logins: {
        oneProcess: loginsOne,
        returning: medianRound(windows.returning as LoginsMeasured[]),
        clustered: loginsCluster,
        processes: settings.clusterProcesses,
        ratioClusteredToOne: clusterRatio.median,
        ratioPerRound: clusterRatio.perRound,
        pair: { ...medianByRate(pairWindows), rounds: pairWindows.map((pair) => pair.perSecond) },
        ratioPairToOne: pairToOne.median,
        ratioClusteredToPair: clusterToPair.median,
        pairRatiosPerRound: { pairToOne: pairToOne.perRound, clusteredToPair: clusterToPair.perRound },
        machineBound: boundIfMeasured(() =>
          scalingBound(
            {
              cores: loginsOne.usage.cores,
              benchPercent: loginsOne.usage.machinePercent - loginsOne.usage.foreignPercent,
              loadGeneratorPercent: loginsOne.usage.loadGeneratorPercent,
            },
            TARGETS.clusterScaling,
          ),
        ),
      },
      refresh: {
        idp: medianRound(windows.refreshIdp),
        bare: medianRound(windows.refreshBare),
        ratioIdpToBare: refreshRatio.median,
        ratioPerRound: refreshRatio.perRound,
      },
      clientCredentials: {
        idp: medianRound(windows.grantsIdp),
        bare: medianRound(windows.grantsBare),
        ratioIdpToBare: grantsRatio.median,
        ratioPerRound: grantsRatio.perRound,
      },
      rss: {
        where:
          'server child process(es) (bench/idp/server.ts; a cluster: primary + workers summed), RSS; peak = getrusage maxRSS',
        idpIdleMb: mb(single.idle.rssBytes),
        idpAfterAllMb: mb(afterAll.rssBytes),
        idpPeakMb: mb(afterAll.maxRssBytes),
        clusterIdleMb: mb(clustered.idle.rssBytes),
        clusterAfterAllMb: mb(clusterAfter.rssBytes),
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
    const file = writeResult('idp', startedAt, report);
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
