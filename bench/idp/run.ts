/**
 * npm run bench:idp — throughput of the identity provider on this machine, in one run:
 *   1. complete OTP logins per second (authorize → identifier → code → name → code exchange)
 *   2. refresh_token grants per second against the idp (rotation on)
 *   3. the same refresh load against a bare oidc-provider on the same Redis adapter (the baseline)
 * Each server runs in a child process (bench/idp/server.ts), so its CPU, event loop and RSS are
 * its own; this process is the load generator. Results: a table on stdout and
 * bench/results/idp-<date>.json.
 *
 * Settings (argv --name=value, or env BENCH_NAME): duration (s, 20), warmup (s, 4),
 * login-concurrency (16), refresh-concurrency (32), profile (s of CPU profile per phase, 4; 0 = off),
 * scope ('openid profile email'), log-level (the idp's LOG_LEVEL, 'silent'), keep-profiles (0/1: write the
 * .cpuprofile files to bench/results/), quiet-wait (s to wait at the start for other load on the VM, 30).
 * MONGODB_URI / REDIS_URL are used when set; otherwise private local servers are started.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as oidc from 'openid-client';
import { readCaptured } from '../../infra/notifier/index.js';
import { createRedis, type Redis } from '../../infra/redis.js';
import { freePort } from '../../scripts/local-services/free-port.js';
import { startLocalServices } from '../../scripts/local-services/index.js';
import { machineFacts } from '../shared/machine.js';
import { numberSetting, setting } from '../shared/settings.js';
import { HttpClient } from './http-client.js';
import { runPhase } from './load.js';
import { type BenchClient, LOGIN_STEPS, type LoginTarget, loginOnce, type StepTimes } from './login-flow.js';
import { summariseProfile } from './profile.js';
import { type RefreshTarget, refreshOnce, TokenChains } from './refresh.js';
import { type BenchReport, type Measured, type ProfileResult, printReport, TARGETS } from './report.js';
import { ServerProcess } from './server-process.js';
import { type Snapshot, takeSnapshot, usageBetween, waitForQuiet } from './usage.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const settings = {
  durationSeconds: numberSetting('duration', 20),
  warmupSeconds: numberSetting('warmup', 4),
  loginConcurrency: numberSetting('login-concurrency', 16),
  refreshConcurrency: numberSetting('refresh-concurrency', 32),
  profileSeconds: numberSetting('profile', 4),
  scope: setting('scope', 'openid profile email'),
  idpLogLevel: setting('log-level', 'silent'),
  keepProfiles: setting('keep-profiles', '0') === '1',
  /** Wait up to this long at the start for CPU load from outside the benchmark to pass. */
  quietWaitSeconds: numberSetting('quiet-wait', 30),
};

/** Runs a measured phase with server/client/machine CPU sampled exactly over its window. */
async function measured(
  server: ServerProcess,
  redis: Redis,
  concurrency: number,
  operation: (user: number) => Promise<void>,
  onWindowStart?: () => void,
): Promise<Measured> {
  let start: Promise<Snapshot> | undefined;
  let end: Promise<Snapshot> | undefined;
  const result = await runPhase(
    { concurrency, warmupMs: settings.warmupSeconds * 1000, durationMs: settings.durationSeconds * 1000 },
    operation,
    {
      onWindowStart: async () => {
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
  return { ...result, usage: usageBetween(await start, await end, result.count) };
}

/** A short extra stretch of the same load with the server's CPU profiler on; not part of the numbers. */
async function profiled(
  server: ServerProcess,
  label: string,
  concurrency: number,
  operation: (user: number) => Promise<void>,
  profileDir: string,
): Promise<ProfileResult | undefined> {
  if (settings.profileSeconds <= 0) return undefined;
  const file = join(profileDir, `${label}.cpuprofile`);
  await server.send({ cmd: 'profile-start', intervalUs: 500 });
  await runPhase({ concurrency, warmupMs: 0, durationMs: settings.profileSeconds * 1000 }, operation);
  await server.send({ cmd: 'profile-stop', file });
  return { ...summariseProfile(file), ...(settings.keepProfiles ? { file } : {}) };
}

// ---------------------------------------------------------------------------------------------

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

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
    `settings: ${settings.warmupSeconds}s warm-up + ${settings.durationSeconds}s per phase, ` +
      `${settings.loginConcurrency} login users, ${settings.refreshConcurrency} refresh users, scope "${settings.scope}"`,
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
  let benchRedis: Redis | undefined;
  try {
    // --- our idp, in a child process --------------------------------------------------------
    const client: BenchClient = {
      id: 'hub-portal',
      secret: randomBytes(32).toString('base64url'),
      redirectUri: 'http://127.0.0.1:9/hub-portal/callback',
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
        ],
      }),
    );
    const oursPort = await freePort();
    const oursIssuer = `http://127.0.0.1:${oursPort}`;
    const oursPrefix = `bench-idp-${runId}:`;
    prefixes.push(oursPrefix);
    const huge = '1000000000';
    const ours = await ServerProcess.start(
      'ours',
      {
        NODE_ENV: 'test',
        LOG_LEVEL: settings.idpLogLevel,
        MONGODB_URI: services.mongoUri,
        REDIS_URL: services.redisUrl,
        IDP_PORT: String(oursPort),
        IDP_ISSUER: oursIssuer,
        IDP_MONGODB_DB: `bench_idp_${runId}`,
        IDP_COOKIE_KEYS: randomBytes(32).toString('base64url'),
        IDP_OTP_SECRET: randomBytes(32).toString('base64url'),
        IDP_DATA_KEY: randomBytes(32).toString('base64'),
        IDP_CLIENTS_FILE: clientsFile,
        NOTIFIER_TRANSPORT: 'capture',
        BENCH_HUB_SECRET: client.secret,
        BENCH_REDIS_PREFIX: oursPrefix,
        // Rate limits are not what is measured here.
        OTP_SENDS_PER_IDENTIFIER_PER_HOUR: huge,
        OTP_SENDS_PER_IP_PER_HOUR: huge,
        OTP_FAILURES_BEFORE_LOCK: huge,
        OTP_MAX_ATTEMPTS: huge,
      },
      ROOT,
    );
    cleanups.push(() => ours.stop());
    const oursIdle = await ours.stats();
    log(`idp up at ${ours.url} (pid ${ours.pid}, RSS ${mb(oursIdle.rssBytes)} MB)`);

    benchRedis = createRedis(services.redisUrl, { keyPrefix: oursPrefix });
    const codeReader = benchRedis;
    const statsRedis = benchRedis;
    const rp = await oidc.discovery(new URL(oursIssuer), client.id, client.secret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const target: LoginTarget = {
      issuer: oursIssuer,
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

    // --- 1. logins ----------------------------------------------------------------------------
    const refreshTokens: string[] = [];
    const keepTokens = Math.max(256, settings.refreshConcurrency * 8);
    let sequence = 0;
    let steps: StepTimes = {};
    let stepLogins = 0;
    const loginHttp = new HttpClient(settings.loginConcurrency);
    const loginOperation = async () => {
      const email = `c${runId}-${sequence++}@bench.example.org`;
      const own: StepTimes = {};
      const token = await loginOnce(loginHttp, target, email, own);
      for (const [step, ms] of Object.entries(own)) steps[step] = (steps[step] ?? 0) + ms;
      stepLogins++;
      refreshTokens.push(token);
      if (refreshTokens.length > keepTokens * 2) refreshTokens.splice(0, refreshTokens.length - keepTokens);
    };
    log(`logins: ${settings.loginConcurrency} users, every login a new email (so every login registers a name)`);
    const logins = await measured(ours, statsRedis, settings.loginConcurrency, loginOperation, () => {
      steps = {};
      stepLogins = 0;
    });
    const stepMs = Object.fromEntries(
      LOGIN_STEPS.filter((step) => steps[step] !== undefined).map((step) => [
        step,
        Math.round(((steps[step] ?? 0) / Math.max(1, stepLogins)) * 10) / 10,
      ]),
    );
    const oursAfterLogins = await ours.stats();
    log(`logins: ${logins.perSecond}/s, p50 ${logins.latencyMs.p50} ms, p99 ${logins.latencyMs.p99} ms`);
    const loginProfile = await profiled(ours, 'logins', settings.loginConcurrency, loginOperation, profileDir);
    loginHttp.close();

    // --- 2. refresh grants against the idp ------------------------------------------------------
    const tokenEndpoint = new URL(String(rp.serverMetadata().token_endpoint));
    const refreshHttp = new HttpClient(settings.refreshConcurrency);
    const oursChains = new TokenChains(refreshTokens.slice(-keepTokens), settings.refreshConcurrency);
    const oursRefresh = refreshOperation(refreshHttp, { tokenEndpoint, client }, oursChains);
    log(`refresh (idp): ${settings.refreshConcurrency} users, each rotating a refresh token from one of the logins`);
    const refreshOurs = await measured(ours, statsRedis, settings.refreshConcurrency, oursRefresh);
    const oursAfterRefresh = await ours.stats();
    log(`refresh (idp): ${refreshOurs.perSecond}/s, p50 ${refreshOurs.latencyMs.p50} ms`);
    const oursRefreshProfile = await profiled(
      ours,
      'refresh-idp',
      settings.refreshConcurrency,
      oursRefresh,
      profileDir,
    );
    await ours.stop();

    // --- 3. refresh grants against a bare oidc-provider ------------------------------------------
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
        BENCH_COOKIE_KEY: randomBytes(32).toString('base64url'),
        BENCH_SCOPE: settings.scope,
      },
      ROOT,
    );
    cleanups.push(() => bare.stop());
    const bareIdle = await bare.stats();
    const bareTokens = await bare.send<string[]>({ cmd: 'mint', count: keepTokens });
    log(`bare oidc-provider up at ${bare.url} (pid ${bare.pid}); ${bareTokens.length} refresh tokens minted`);
    const bareChains = new TokenChains(bareTokens, settings.refreshConcurrency);
    const bareEndpoint = new URL('/token', bareIssuer);
    const bareRefresh = refreshOperation(refreshHttp, { tokenEndpoint: bareEndpoint, client }, bareChains);
    const refreshBare = await measured(bare, statsRedis, settings.refreshConcurrency, bareRefresh);
    const bareAfterRefresh = await bare.stats();
    log(`refresh (bare): ${refreshBare.perSecond}/s, p50 ${refreshBare.latencyMs.p50} ms`);
    const bareRefreshProfile = await profiled(
      bare,
      'refresh-bare',
      settings.refreshConcurrency,
      bareRefresh,
      profileDir,
    );
    await bare.stop();
    refreshHttp.close();

    // --- report -------------------------------------------------------------------------------
    const ratio = refreshBare.perSecond ? Math.round((refreshOurs.perSecond / refreshBare.perSecond) * 100) / 100 : 0;
    const rss = {
      where: 'server child process (bench/idp/server.ts), process.memoryUsage().rss; peak = getrusage maxRSS',
      idpIdleMb: mb(oursIdle.rssBytes),
      idpAfterLoginsMb: mb(oursAfterLogins.rssBytes),
      idpAfterRefreshMb: mb(oursAfterRefresh.rssBytes),
      idpPeakMb: mb(oursAfterRefresh.maxRssBytes),
      bareIdleMb: mb(bareIdle.rssBytes),
      bareAfterRefreshMb: mb(bareAfterRefresh.rssBytes),
      barePeakMb: mb(bareAfterRefresh.maxRssBytes),
    };
    const report: BenchReport = {
      startedAt: startedAt.toISOString(),
      machine: machineFacts(),
      services: {
        mongo: services.started.mongo ? 'local mongo-java-server 1.47 (memory backend)' : 'MONGODB_URI',
        redis: services.started.redis ? 'local redis-server' : 'REDIS_URL',
      },
      settings,
      targets: TARGETS,
      backgroundLoadPercent: background,
      logins: { ...logins, meanStepMs: stepMs },
      refresh: { idp: refreshOurs, bare: refreshBare, ratioIdpToBare: ratio },
      rss,
      profiles: { logins: loginProfile, refreshIdp: oursRefreshProfile, refreshBare: bareRefreshProfile },
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
    if (benchRedis && !services.started.redis) {
      // A shared Redis keeps nothing of this run.
      for (const prefix of prefixes) await deleteKeys(benchRedis, prefix);
    }
    await benchRedis?.quit().catch(() => undefined);
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
