/**
 * npm run bench:hub — the hub under paying citizens, on this machine, in one run:
 *   1. the raw rate of the MongoDB server (inserts and conditional findOneAndUpdates from 50
 *      clients, on a scratch database): the DB-bound ceiling;
 *   2. N citizens, each in a loop: fetch an electricity, a water and a gas bill through the hub,
 *      POST /api/v1/checkouts with the three, pay it through the sandbox gateway, and go on;
 *      settlement runs in the worker meanwhile;
 *   3. from the payments collection: lines settled per second in the window and capture →
 *      completed latency, from the hub's own timeline timestamps; the MongoDB writes per settled
 *      line (counted in the hub and worker by bench/hub/probe.ts) against the raw rate;
 *   4. the raw rate once more, of the hub's own line transition on as many payment-shaped
 *      documents as the hub had mid-window (a filter a scan would slow as payments accumulate).
 * The sandboxes, the sandbox gateway, the hub and one worker each run as their own child process
 * (as `npm start` runs them; the hub as a Node cluster of `hub-processes` workers when that is > 1);
 * tokens come from a local JWKS, not from an idp. Results: a table on stdout and
 * bench/results/hub-<date>.json.
 *
 *   5. settlement capacity on its own: the worker is stopped, the citizens pay `backlog` checkouts
 *      (the hub captures them and queues their lines), then 1 worker process drains the queue;
 *      again with 2 (… up to `workers`) independent worker processes on the same Redis and Mongo,
 *      as `docker compose up --scale worker=2` runs them; lines settled/s of each, their ratio and
 *      the best as % of the DB-bound ceiling (raw update rate / writes per line, this run).
 * The warm-up runs until checkouts/s is stable (bench/shared/stable-warmup.ts) and is recorded;
 * the machine (bench/shared/machine.ts) is sampled when the window opens; CPU ms per settled line
 * and per checkout are of every server-side process (hub, worker, gateway, sandboxes, MongoDB,
 * Redis) over the window, with each process's share. Each is measured with the processes below it:
 * a hub cluster's CPU and RSS are its primary's and workers' together, its MongoDB operations and
 * ELU its workers' (summed; the ELU their mean), and its CPU profile is of one of its workers.
 *
 * Settings (argv --name=value, or env BENCH_NAME): citizens (16), duration (s, 60), warmup-max (s,
 * 60, at least 15: the longest the stable warm-up may take), hub-processes (the hub's HUB_PROCESSES,
 * 1: one process, as in earlier runs; N > 1: a cluster primary and N workers on one port; always
 * passed, so the machine's core count never decides it), profile (s of CPU profile of the hub and
 * worker after the window, 5; 0 = off; of one worker of a hub cluster), drain (s to wait for
 * settlement to finish after the load, 45), backlog (paid checkouts per capacity phase, 1000, a
 * drain of several seconds; 0 = no capacity phases), workers (the capacity phases run
 * 1 … workers worker processes, 2), capacity-drain (s, 90), baseline-seconds (4 per raw phase), baseline-clients (50), log-level
 * (LOG_LEVEL of the children, 'warn'), quiet-wait (s to wait at the start for other load on the
 * machine, 20), max-rate (checkouts/s the sandboxes' books are sized for, 200: each checkout pays
 * three bills no other checkout asks for, so SANDBOX_CONSUMERS is max-rate × the load's seconds /
 * 0.9; should the citizens use every consumer they stop, and the report says so). MONGODB_URI /
 * REDIS_URL are used when set; otherwise private local servers are started. SETTLEMENT_* variables
 * reach the hub and the workers.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { sandboxPopulationEnv } from '../../adapters/sandboxes/sandbox-env.js';
import { createRedis, type Redis } from '../../infra/redis.js';
import { startLocalServices } from '../../scripts/local-services/index.js';
import { HttpClient } from '../idp/http-client.js';
import { summariseProfile } from '../idp/profile.js';
import { waitForQuiet } from '../idp/usage.js';
import { describeMachine, machineFacts } from '../shared/machine.js';
import { boundIfMeasured } from '../shared/machine-bound.js';
import { writeResult } from '../shared/results.js';
import { numberSetting, setting } from '../shared/settings.js';
import { type WarmupSummary, warmUntilStable } from '../shared/stable-warmup.js';
import { type CapacityPhase, capacityPhase } from './capacity.js';
import { benchPopulation, type CitizenLoadResult, payingConsumers, runCitizens } from './citizens.js';
import { hubWorkerPids } from './hub-workers.js';
import { hubMachineBound } from './machine-bound.js';
import { measurePaymentShaped, measureRawMongo } from './mongo-baseline.js';
import { childPids, treeUsageOf } from './proc.js';
import { type ProfileTarget, profileFile, profileTargetOf, toggleProfile } from './profile-target.js';
import {
  capacitySummary,
  ceilingOf,
  cpuPerOperation,
  type HubBenchReport,
  type HubProfiles,
  type OverTime,
  opsPerLine,
  printReport,
  TARGETS,
  whereTheTimeGoes,
} from './report.js';
import { drainSettlement, latency, settlementStats } from './settlement.js';
import { readProbe, type Stack, startStack } from './stack.js';
import { startTokenIssuer, type TokenIssuer } from './tokens.js';
import { type Snapshot, takeSnapshot, usageBetween, type Watched } from './usage.js';

/**
 * The hub's warm-up windows: a checkout is dozens of calls across six processes, so at 8-20
 * checkouts/s a 2 s window holds too few of them to tell a JIT-cold plateau from the warm rate
 * (a run once read 8, 8, 8 as stable after 6 s and measured its window while still warming).
 * 5 s windows, and at least 15 s of warm-up.
 */
const HUB_WARMUP_WINDOWS = { windowMs: 5_000, minMs: 15_000 } as const;

const settings = {
  citizens: Math.max(1, numberSetting('citizens', 16)),
  durationSeconds: Math.max(1, numberSetting('duration', 60)),
  /** The warm-up runs until checkouts/s is stable (bench/shared/stable-warmup.ts), at most this long. */
  warmupMaxSeconds: Math.max(15, numberSetting('warmup-max', 60)),
  /** The hub's HUB_PROCESSES: 1 = one process (no cluster), N > 1 = a cluster primary and N workers. */
  hubProcesses: Math.max(1, Math.floor(numberSetting('hub-processes', 1))),
  profileSeconds: numberSetting('profile', 5),
  drainSeconds: numberSetting('drain', 45),
  baselineSeconds: Math.max(1, numberSetting('baseline-seconds', 4)),
  baselineClients: Math.max(1, numberSetting('baseline-clients', 50)),
  logLevel: setting('log-level', 'warn'),
  quietWaitSeconds: numberSetting('quiet-wait', 20),
  maxRate: Math.max(1, numberSetting('max-rate', 200)),
  /** Paid checkouts in each settlement capacity phase's backlog (0 = no capacity phases). */
  backlog: Math.max(0, numberSetting('backlog', 1000)),
  /** Capacity phases drain with 1, then with each count up to this many worker processes. */
  workers: Math.max(1, numberSetting('workers', 2)),
  /** Longest wait for one capacity phase's backlog to drain, s. */
  capacityDrainSeconds: numberSetting('capacity-drain', 90),
};
/** The capacity phases' backlogs, as seconds of checkouts at max-rate (for the sandboxes' books). */
const backlogSeconds = settings.backlog ? (settings.backlog * settings.workers) / settings.maxRate + 5 : 0;
/** Every checkout pays three fresh bills: the books hold max-rate checkouts/s for the whole load. */
const consumersPerBiller = benchPopulation(
  settings.maxRate,
  settings.warmupMaxSeconds + settings.durationSeconds + settings.profileSeconds + backlogSeconds,
);

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Checkouts per second and their latency in each bucket of the window, beside the lines settled. */
function checkoutsOverTime(
  load: CitizenLoadResult,
  bucketMs: number,
  buckets: number,
  linesSettledPerSecond: number[],
): OverTime {
  const samples: number[][] = Array.from({ length: buckets }, () => []);
  load.checkoutMs.forEach((ms, i) => {
    const at = load.checkoutEndedAt[i] ?? load.windowStartMs;
    samples[Math.min(buckets - 1, Math.floor((at - load.windowStartMs) / bucketMs))]?.push(ms);
  });
  const stats = samples.map(latency);
  return {
    bucketSeconds: round1(bucketMs / 1000),
    linesSettledPerSecond,
    checkoutsPerSecond: stats.map((s) => round1(s.count / (bucketMs / 1000))),
    checkoutP50Ms: stats.map((s) => Math.round(s.p50)),
    checkoutP99Ms: stats.map((s) => Math.round(s.p99)),
  };
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const runId = randomBytes(4).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'bench-hub-'));
  const log = (line: string) =>
    console.log(`[bench:hub ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)}s] ${line}`);
  log(
    `settings: ${settings.citizens} citizens, hub ${settings.hubProcesses === 1 ? 'one process' : `${settings.hubProcesses} processes (cluster)`}, warm-up until stable (at most ${settings.warmupMaxSeconds}s) + ` +
      `${settings.durationSeconds}s measured${settings.profileSeconds ? ` + ${settings.profileSeconds}s profiled` : ''}` +
      `${settings.backlog ? `, settlement capacity: ${settings.backlog} payments drained by 1..${settings.workers} workers` : ''}` +
      `, children LOG_LEVEL=${settings.logLevel}`,
  );
  const quiet = await waitForQuiet(settings.quietWaitSeconds * 1000);
  log(
    `machine CPU before starting anything: ${quiet.load}% (100% = one core)` +
      (quiet.waitedMs > 1500 ? `, after waiting ${Math.round(quiet.waitedMs / 1000)}s for other load to pass` : ''),
  );

  const services = await startLocalServices({ mode: 'test' });
  const mongoLabel = services.started.mongo ? 'local mongo-java-server (memory backend)' : 'MONGODB_URI';
  const redisLabel = services.started.redis ? 'local redis-server' : 'REDIS_URL';
  log(`MongoDB ${mongoLabel}, Redis ${redisLabel}`);

  let issuer: TokenIssuer | undefined;
  let stack: Stack | undefined;
  let hubConn: mongoose.Connection | undefined;
  let redis: Redis | undefined;
  let http: HttpClient | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = () => (stopping ??= stopEverything());
  const stopEverything = async () => {
    http?.close();
    await stack?.stop().catch(() => undefined);
    if (hubConn) {
      await hubConn.dropDatabase().catch(() => undefined);
      await hubConn.close().catch(() => undefined);
    }
    if (redis && !services.started.redis) await deleteKeys(redis, `bench-hub-${runId}:`).catch(() => undefined);
    await redis?.quit().catch(() => undefined);
    await issuer?.close().catch(() => undefined);
    await services.stop();
    rmSync(work, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    console.log('\ninterrupted: stopping everything');
    void stopAll().finally(() => process.exit(130));
  });

  try {
    // --- 1. the raw MongoDB rate: before the hub exists, so nothing else uses the server -----------
    log(`raw MongoDB: ${settings.baselineClients} clients, inserts then conditional findOneAndUpdates`);
    const baseline = await measureRawMongo(services.mongoUri, `bench_raw_${runId}`, {
      clients: settings.baselineClients,
      seconds: settings.baselineSeconds,
      warmupSeconds: 1,
    });
    log(`raw MongoDB: ${baseline.insert.perSecond} inserts/s, ${baseline.update.perSecond} conditional updates/s`);

    // --- 2. the system, each service its own process ------------------------------------------------
    issuer = await startTokenIssuer();
    stack = await startStack({
      mongoUri: services.mongoUri,
      redisUrl: services.redisUrl,
      issuer: issuer.issuer,
      jwksUrl: issuer.jwksUrl,
      logLevel: settings.logLevel,
      runId,
      work,
      extraEnv: sandboxPopulationEnv(consumersPerBiller),
      hubProcesses: settings.hubProcesses,
    });
    const running = stack;
    const watched: Watched = Object.fromEntries(Object.values(running.services).map((s) => [s.name, s.pid]));
    const [mongoPid] = childPids('java');
    const [redisPid] = childPids('redis-server');
    if (mongoPid) watched.mongo = mongoPid;
    if (redisPid) watched.redis = redisPid;
    const idle = Object.fromEntries(
      (['hub', 'worker'] as const).map((name) => [name, treeUsageOf(running.services[name].pid)?.rssBytes ?? 0]),
    );
    const hubWorkers = hubWorkerPids(running.services.hub.pid);
    log(
      `up: hub ${running.hubUrl} (pid ${running.services.hub.pid}` +
        `${hubWorkers.length ? `, cluster workers ${hubWorkers.join(', ')}` : ''}, RSS ${mb(idle.hub ?? 0)} MB), worker pid ` +
        `${running.services.worker.pid} (RSS ${mb(idle.worker ?? 0)} MB), gateway ${running.gatewayUrl}`,
    );
    // A hub that ignored HUB_PROCESSES would be measured as one process under the cluster's name.
    const expectedWorkers = settings.hubProcesses > 1 ? settings.hubProcesses : 0;
    if (hubWorkers.length !== expectedWorkers) {
      throw new Error(
        `the hub runs ${hubWorkers.length} cluster worker processes, not the ${expectedWorkers} HUB_PROCESSES=${settings.hubProcesses} asks for`,
      );
    }

    hubConn = await mongoose.createConnection(services.mongoUri, { dbName: running.hubDb }).asPromise();
    redis = createRedis(services.redisUrl);
    const tokens = await Promise.all(
      Array.from({ length: settings.citizens }, (_, i) =>
        (issuer as TokenIssuer).mint(`bench-citizen-${runId}-${i}`, running.audience),
      ),
    );
    http = new HttpClient(settings.citizens * 3);

    // --- 3. the citizens ----------------------------------------------------------------------------
    const consumers = payingConsumers(consumersPerBiller);
    log(
      `load: ${settings.citizens} citizens over ${consumers.map((pool) => pool.length).join(' / ')} ` +
        'electricity / water / gas consumers that pay',
    );
    let start: Snapshot | undefined;
    let end: Snapshot | undefined;
    // Chosen once, at the window's end, so that both toggles reach the same process.
    const profileTargets: { hub?: ProfileTarget; worker?: ProfileTarget } = {};
    const statsRedis = redis;
    const profiling = settings.profileSeconds > 0;
    let warmup: WarmupSummary = { ms: 0, stable: false, windowRates: [] };
    let machine = machineFacts();
    // Who the citizens are and where they pay: the measured load and the capacity phases share it.
    const citizens = {
      http,
      hubUrl: running.hubUrl,
      gatewayUrl: running.gatewayUrl,
      gatewayApiKey: running.gatewayApiKey,
      tokens,
      consumers,
    };
    const load = await runCitizens(citizens, {
      warmUp: async (completed, loadOver) => {
        warmup = await warmUntilStable(
          completed,
          { ...HUB_WARMUP_WINDOWS, maxMs: settings.warmupMaxSeconds * 1000 },
          loadOver,
        );
        log(
          `warm-up ${warmup.stable ? 'stable' : 'NOT stable'} after ${Math.round(warmup.ms / 1000)}s ` +
            `(paid checkouts/s per ${HUB_WARMUP_WINDOWS.windowMs / 1000} s: ${warmup.windowRates.join(', ')})`,
        );
      },
      durationMs: settings.durationSeconds * 1000,
      tailMs: settings.profileSeconds * 1000,
      onWindowStart: async () => {
        machine = machineFacts();
        log(`measuring on ${describeMachine(machine)}`);
        start = await takeSnapshot(running, watched, statsRedis);
      },
      onWindowEnd: async () => {
        end = await takeSnapshot(running, watched, statsRedis);
        if (profiling) {
          for (const name of ['hub', 'worker'] as const) {
            const target = profileTargetOf(running.services[name]);
            if (!target) continue;
            toggleProfile(target);
            profileTargets[name] = target;
          }
          const one = profileTargets.hub?.clusterWorker;
          log(
            `window over: ${settings.profileSeconds}s more load with the hub` +
              `${one ? ` (worker ${one.id} of ${one.processes}, pid ${one.pid})` : ''} and worker profiled`,
          );
        }
      },
    });
    if (!start || !end) throw new Error('the measured window was not sampled');
    const profiles: HubProfiles = {};
    for (const target of Object.values(profileTargets)) toggleProfile(target);
    const checkoutsPerSecond = round1(load.checkoutMs.length / settings.durationSeconds);
    log(`load over: ${checkoutsPerSecond} checkouts/s in the window; waiting for settlement to finish`);

    // --- 4. drain, then read what happened from the database -----------------------------------------
    const paid = new Set(load.simulatedAt.keys());
    const drainMs = await drainSettlement(hubConn, paid, settings.drainSeconds * 1000);
    for (const name of ['hub', 'worker'] as const) {
      const target = profileTargets[name];
      const file = target && (await profileFile(target));
      if (!file) continue;
      const clusterWorker = target.clusterWorker;
      profiles[name] = { ...summariseProfile(file), ...(clusterWorker ? { clusterWorker } : {}) };
    }
    // A fresh probe write (every 250 ms) after the last settlement.
    await sleep(600);
    const totals: Record<string, number> = {};
    for (const name of ['hub', 'worker'] as const) {
      for (const [key, count] of Object.entries(readProbe(running.services[name])?.ops ?? {})) {
        totals[key] = (totals[key] ?? 0) + count;
      }
    }
    const buckets = Math.max(1, Math.min(6, Math.floor(settings.durationSeconds / 5)));
    const bucketMs = (settings.durationSeconds * 1000) / buckets;
    const settlement = await settlementStats(
      hubConn,
      { startMs: load.windowStartMs, endMs: load.windowEndMs, bucketMs },
      load.simulatedAt,
    );
    const overTime = checkoutsOverTime(load, bucketMs, buckets, settlement.linesSettledPerSecondByBucket);

    // --- 5. the raw rate again, of the hub's own kind of update at the hub's collection size --------
    const documents = settlement.paymentsInCollection.windowMid;
    log(`raw MongoDB: the hub's line transition on ${documents} payment-shaped documents (the hub's mid-window count)`);
    const paymentShapedAtHubSize = await measurePaymentShaped(services.mongoUri, `bench_raw2_${runId}`, documents, {
      clients: settings.baselineClients,
      seconds: settings.baselineSeconds,
      warmupSeconds: 1,
    });
    const usage = usageBetween(start, end);
    const cpu = cpuPerOperation(usage, settlement.linesSettledInWindow, load.checkoutMs.length);

    // --- 6. settlement capacity on its own: a backlog drained by 1, then 2 … worker processes -------
    // Peak RSS so far: the capacity phases stop the worker, and a stopped process has no VmHWM to read.
    const peakBytes = Object.fromEntries(
      (['hub', 'worker'] as const).map((name) => [name, treeUsageOf(running.services[name].pid)?.peakBytes ?? 0]),
    );
    const capacity: CapacityPhase[] = [];
    if (settings.backlog > 0) {
      await running.services.worker.process.stop(10_000);
      const others: Watched = Object.fromEntries(Object.entries(watched).filter(([name]) => name !== 'worker'));
      let firstConsumer = load.nextConsumer;
      for (let workers = 1; workers <= settings.workers; workers++) {
        const { phase, nextConsumer } = await capacityPhase(
          {
            stack: running,
            conn: hubConn,
            redis: statsRedis,
            target: { ...citizens, firstConsumer },
            watched: others,
            log,
          },
          workers,
          settings.backlog,
          settings.capacityDrainSeconds * 1000,
        );
        capacity.push(phase);
        firstConsumer = nextConsumer;
      }
    }
    const mongo = opsPerLine(totals, settlement.linesSettledTotal);
    const ceiling = ceilingOf({ ...baseline, paymentShapedAtHubSize }, mongo, settlement.linesSettledPerSecond, usage);
    const checkoutMs = latency(load.checkoutMs);
    const capacityReport = capacitySummary(capacity, ceiling.linesPerSecond);
    const redisCommandsPerLine = Object.fromEntries(
      Object.entries(usage.redisCommands)
        .map(([cmd, n]) => [cmd, settlement.linesSettledInWindow ? round1(n / settlement.linesSettledInWindow) : 0])
        .filter(([, n]) => Number(n) >= 0.1)
        .sort((a, b) => Number(b[1]) - Number(a[1]))
        .slice(0, 10),
    ) as Record<string, number>;
    const rss: HubBenchReport['rss'] = {};
    for (const name of ['hub', 'worker'] as const) {
      // Summed over the process tree; the peak is each process's own VmHWM, summed (an upper bound),
      // read now (the whole run) or, for a process stopped since, before the capacity phases.
      const memory = treeUsageOf(running.services[name].pid);
      rss[name] = {
        idleMb: mb(idle[name] ?? 0),
        endMb: mb(end.rssBytes[name] ?? 0),
        peakMb: mb(Math.max(memory?.peakBytes ?? 0, peakBytes[name] ?? 0)),
      };
    }
    const report: HubBenchReport = {
      startedAt: startedAt.toISOString(),
      machine,
      services: { mongo: mongoLabel, redis: redisLabel },
      settings: {
        ...settings,
        childNodeEnv: running.settings.NODE_ENV,
        settlementConcurrency: process.env.SETTLEMENT_CONCURRENCY ?? 'default (8)',
      },
      targets: TARGETS,
      backgroundLoadPercent: quiet.load,
      baseline: { ...baseline, paymentShapedAtHubSize },
      load: {
        citizens: load.citizens,
        seconds: settings.durationSeconds,
        iterations: load.iterations,
        checkoutsPerSecond,
        checkoutMs,
        billFetchMs: latency(load.billFetchMs),
        simulateMs: latency(load.simulateMs),
        errors: load.errors,
        conflicts: load.conflicts,
        consumersPerBiller,
        populationExhausted: load.populationExhausted,
        errorSamples: load.errorSamples,
      },
      settlement: { ...settlement, drainMs },
      overTime,
      mongo,
      ceiling,
      verdicts: {
        ceiling: `${ceiling.achievedPercent >= TARGETS.ceilingPercent ? 'met' : 'MISSED'} ≥ ${TARGETS.ceilingPercent}%`,
        checkoutP99: `${checkoutMs.p99 < TARGETS.checkoutP99Ms ? 'met' : 'MISSED'} < ${TARGETS.checkoutP99Ms} ms`,
        capacity: capacityReport.verdict,
      },
      warmup,
      cpu,
      capacity: capacityReport,
      machineBound: boundIfMeasured(() =>
        hubMachineBound({
          cores: usage.cores,
          cpuMsPerCheckout: cpu.msPerCheckout,
          loadgenMsPerCheckout: cpu.loadgenMsPerCheckout,
          checkoutsPerSecond,
          checkoutP99Ms: checkoutMs.p99,
          checkoutP99GoalMs: TARGETS.checkoutP99Ms,
          phases: capacity,
          ceilingLinesPerSecond: ceiling.linesPerSecond,
          ceilingGoalPercent: TARGETS.capacityCeilingPercent,
        }),
      ),
      usage,
      redisCommandsPerLine,
      rss,
      childLogs: Object.fromEntries(
        Object.values(running.services).map((s) => [
          s.name,
          { warnings: s.logs.warnings, errors: s.logs.errors, samples: Object.fromEntries(s.logs.samples) },
        ]),
      ),
      profiles,
      whereTheTimeGoes: whereTheTimeGoes(
        usage,
        settlement.linesSettledPerSecond,
        checkoutsPerSecond,
        settlement.backlogAtWindowEnd,
        profiles,
        {
          ...baseline,
          paymentShapedAtHubSize,
        },
        settings.hubProcesses,
      ),
    };
    printReport(report);
    console.log(`\nwritten: ${writeResult('hub', startedAt, report)}`);
    return 0;
  } catch (error) {
    console.error(`bench:hub failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    log('stopping everything');
    await stopAll();
  }
}

/** A shared Redis (REDIS_URL) keeps none of this run's queue keys; the hub's bill cache expires by itself. */
async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

const code = await main();
// Everything was closed above; exiting here only guards against a handle some library leaves open.
process.exit(code);
