import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mongoose from 'mongoose';
import { sandboxPopulationEnv } from '../../adapters/sandboxes/sandbox-env.js';
import { seededRandom } from '../../adapters/sandboxes/shared/seeded.js';
import { defaultSandboxGatewayCredentials } from '../../hub/gateway/sandbox-server/options.js';
import { metricsFor } from '../../hub/metrics/index.js';
import { type LocalMongo, startMongoServer } from '../../scripts/local-services/mongo-server.js';
import { type Stack, startStack } from '../hub/stack.js';
import { startTokenIssuer, type TokenIssuer } from '../hub/tokens.js';
import { checkMoney, readPayment, readPayments, type Violation } from './checker.js';
import { drivePayments } from './driver.js';
import { accountForCases } from './expected-cases.js';
import { countFault, type FaultCounts, type ProcessFault } from './faults.js';
import { giveFeedback } from './metrics.js';
import { makePlan } from './plan.js';
import { type Quiescence, waitForQuiescence } from './quiesce.js';
import { waitForReceipts } from './receipts.js';
import { formatReconciliation, reconcileDays } from './reconciliation.js';
import { type RestartableRedis, startRestartableRedis } from './redis.js';
import { type ChaosReport, type ProcessFaultFired, summariseDriven, violationsByKind } from './report.js';
import { CHAOS_TIMINGS, type ChaosSettings } from './settings.js';
import { runScript } from './tools.js';

const BILLERS_FILE = resolve(import.meta.dirname, 'billers.json');
const BILLER_IDS = { electricity: 'state-electricity', water: 'city-water', gas: 'metro-gas' } as const;

/** The day reconciliation runs for: the hub's business day is India's. */
const indianDate = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(at);

/**
 * One chaos run, start to finish: private MongoDB (unless MONGODB_URI) and Redis, the sandboxes,
 * the sandbox gateway, the hub and a worker as child processes; the planned payments driven by
 * citizens with faults injected; then quiescence, reconciliation (`npm run recon`, when the script
 * exists), `npm run ledger:check` and the money check. Everything started here is stopped before
 * it returns; the run's database is dropped. `options.mongoUri` (else MONGODB_URI) names a MongoDB
 * to use instead of starting one. Throws only when the stack cannot start.
 */
export async function runChaos(
  settings: ChaosSettings,
  log: (line: string) => void,
  options: { mongoUri?: string } = {},
): Promise<ChaosReport> {
  const startedAt = new Date();
  const runId = randomBytes(4).toString('hex');
  const work = mkdtempSync(join(tmpdir(), 'chaos-'));
  const plan = makePlan(settings, seededRandom(settings.seed));
  log(
    `seed ${settings.seed}: ${settings.payments} payments by ${settings.citizens} citizens, fault rate ${settings.faultRate}, ` +
      `${plan.processFaults.length} process faults, ${plan.repeats} repeat_bill, ${plan.consumersPerBiller} consumers per biller`,
  );

  let mongo: LocalMongo | undefined;
  let redis: RestartableRedis | undefined;
  let issuer: TokenIssuer | undefined;
  let stack: Stack | undefined;
  let conn: mongoose.Connection | undefined;
  try {
    const givenMongo = options.mongoUri ?? process.env.MONGODB_URI;
    if (!givenMongo) mongo = await startMongoServer({ kind: 'memory' });
    const mongoUri = givenMongo ?? (mongo as LocalMongo).uri;
    redis = await startRestartableRedis();
    issuer = await startTokenIssuer();
    const extraEnv = { BILLERS_FILE, ...CHAOS_TIMINGS.env, ...sandboxPopulationEnv(plan.consumersPerBiller) };
    stack = await startStack({
      mongoUri,
      redisUrl: redis.url,
      issuer: issuer.issuer,
      jwksUrl: issuer.jwksUrl,
      logLevel: settings.logLevel,
      runId,
      work,
      extraEnv,
    });
    const running = stack;
    const liveRedis = redis;
    log(`stack up: hub ${running.hubUrl}, gateway ${running.gatewayUrl}, database ${running.hubDb}`);
    conn = await mongoose.createConnection(mongoUri, { dbName: running.hubDb }).asPromise();
    const liveConn = conn;
    const tokens = await Promise.all(
      Array.from({ length: settings.citizens }, (_, i) =>
        // A verified email, as the idp gives one: checkout remembers it, so receipts are sent (and counted).
        (issuer as TokenIssuer).mint(`chaos-citizen-${runId}-${i}`, running.audience, {
          email: `chaos-citizen-${i}@example.org`,
        }),
      ),
    );
    const s = running.settings;
    const sandboxes = {
      billers: {
        [BILLER_IDS.electricity]: running.sandboxUrls.electricity ?? '',
        [BILLER_IDS.water]: running.sandboxUrls.water ?? '',
        [BILLER_IDS.gas]: running.sandboxUrls.gas ?? '',
      },
      gateway: running.gatewayUrl,
    };

    // Process faults fire as the planned payment starts (others in flight), one at a time.
    const processFaults: FaultCounts = {};
    const fired: ProcessFaultFired[] = [];
    const driveStart = Date.now();
    let chain = Promise.resolve();
    const fire = (kind: ProcessFault, atPayment: number, inFlight: number) => {
      const entry: ProcessFaultFired = { kind, atPayment, atDriveSeconds: (Date.now() - driveStart) / 1000, inFlight };
      fired.push(entry);
      chain = chain.then(async () => {
        const begun = Date.now();
        try {
          if (kind === 'worker_kill') await running.restart('worker');
          else if (kind === 'hub_kill') await running.restart('hub');
          else await liveRedis.restart();
          countFault(processFaults, kind);
          entry.backAfterSeconds = (Date.now() - begun) / 1000;
          log(
            `${kind} at payment ${atPayment} (${inFlight} in flight): back after ${entry.backAfterSeconds.toFixed(1)} s`,
          );
        } catch (error) {
          log(`${kind} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
    };
    const pendingProcessFaults = [...plan.processFaults];
    const drive = await drivePayments(
      {
        hubUrl: running.hubUrl,
        gatewayUrl: running.gatewayUrl,
        gatewayApiKey: running.gatewayApiKey,
        sandboxes,
        tokens,
        hubStatus: async (paymentId) => (await readPayment(liveConn, paymentId))?.status,
      },
      plan,
      (index, inFlight) => {
        while (pendingProcessFaults[0] && pendingProcessFaults[0].atPayment <= index) {
          fire((pendingProcessFaults.shift() as { kind: ProcessFault }).kind, index, inFlight);
        }
      },
      log,
    );
    for (const rest of pendingProcessFaults) fire(rest.kind, plan.payments.length, 0);
    await chain;
    const driven = summariseDriven(drive.payments);
    log(
      `driven in ${Math.round(drive.durationMs / 1000)} s: ${driven.paid} paid, ${driven.refused} refused, ${driven.failed} failed, ` +
        `repeat_bill ${driven.repeatsRefused} refused / ${driven.repeatsAccepted} accepted / ${driven.repeatsSkipped} skipped`,
    );

    const quiescence: Quiescence[] = [await waitForQuiescence(conn, settings.quietMs, settings.settleLimitMs)];
    log(`quiescence: ${quiescence[0]?.reason} after ${Math.round((quiescence[0]?.waitedMs ?? 0) / 1000)} s`);

    const toolEnv = {
      // The stack's settings hold every sandbox's URL and credentials (bench/hub/stack.ts).
      ...s,
      GATEWAY_API_KEY: running.gatewayApiKey,
      GATEWAY_WEBHOOK_SECRET: process.env.GATEWAY_WEBHOOK_SECRET ?? defaultSandboxGatewayCredentials.webhookSecret,
      LOG_LEVEL: settings.logLevel,
    };
    const days = [...new Set([indianDate(startedAt), indianDate(new Date())])];
    const reconciliation = await reconcileDays(conn, days, toolEnv, log);
    if (reconciliation.ran) {
      quiescence.push(await waitForQuiescence(conn, settings.quietMs, settings.settleLimitMs));
    }
    log(`reconciliation: ${formatReconciliation(reconciliation)}`);

    const receipts = await waitForReceipts(conn, settings.settleLimitMs);
    log(
      `receipts: ${receipts.problems.length === 0 ? 'every final payment has its receipt, true to it, and its message' : `${receipts.problems.length} problems`} after ${Math.round(receipts.waitedMs / 1000)} s`,
    );

    const ledger = await runScript('ledger:check', [], toolEnv);
    const check = await checkMoney(
      conn,
      sandboxes,
      running.gatewayApiKey,
      drive.payments.flatMap((p) => p.orderId ?? []),
      ledger.ok,
    );
    // Post-payment feedback on some final payments, then the metrics an operator would see of the run.
    const tokenBySub = new Map(tokens.map((token, i) => [`chaos-citizen-${runId}-${i}`, token]));
    const feedback = await giveFeedback(
      conn,
      running.hubUrl,
      (sub) => tokenBySub.get(sub),
      seededRandom(settings.seed + 1),
    );
    log(`feedback: ${feedback.given} given${feedback.refused.length ? `, ${feedback.refused.length} refused` : ''}`);
    const metrics = await metricsFor(conn, '24h');
    const statuses = new Map((await readPayments(conn)).map((p) => [p._id, p.status]));
    const cases = accountForCases(drive.payments, (id) => statuses.get(id), reconciliation);
    const repeatsAccepted: Violation[] = drive.payments
      .filter((p) => p.outcome === 'repeat_accepted')
      .map((p) => ({ kind: 'repeat_bill_not_refused', paymentId: p.paymentId, detail: p.detail ?? '' }));
    const caseViolations: Violation[] = [
      ...cases.notHeld.map((detail) => ({ kind: 'partial_capture_not_held' as const, detail })),
      ...cases.unexplainedCases.map((detail) => ({ kind: 'recon_case_unexplained' as const, detail })),
    ];
    const violations = [...check.violations, ...receipts.problems, ...repeatsAccepted, ...caseViolations];
    return {
      startedAt: startedAt.toISOString(),
      seed: settings.seed,
      settings,
      durationMs: Date.now() - startedAt.getTime(),
      driveMs: drive.durationMs,
      payments: {
        planned: settings.payments,
        paid: driven.paid,
        refused: driven.refused,
        failed: driven.failed,
        consumersPerBiller: plan.consumersPerBiller,
        distinctBills: plan.distinctBills,
        repeatingABill: plan.repeats,
        repeatsRefused: driven.repeatsRefused,
        repeatsAccepted: driven.repeatsAccepted,
        repeatsSkipped: driven.repeatsSkipped,
      },
      faults: { ...drive.faults, ...processFaults },
      processFaults: fired,
      quiescence,
      reconciliation,
      cases,
      ledgerCheck: { ok: ledger.ok, output: ledger.output.split('\n').slice(-20).join('\n') },
      counts: check.counts,
      violationsByKind: violationsByKind(violations),
      violations,
      driverSamples: driven.samples,
      repeatDetails: driven.repeats,
      feedback,
      metrics,
    };
  } finally {
    if (conn) {
      await conn.dropDatabase().catch(() => undefined);
      await conn.close().catch(() => undefined);
    }
    await stack?.stop().catch(() => undefined);
    await issuer?.close().catch(() => undefined);
    await redis?.stop().catch(() => undefined);
    await mongo?.stop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}
