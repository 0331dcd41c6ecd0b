/**
 * `npm run recon -- --date YYYY-MM-DD` (default: yesterday in IST): reconciles one day by hand
 * against the configured hub (the hub's own environment: Mongo, Redis, gateway, billers file),
 * exactly as the worker's reconcile job does, and prints the report. Exits 1 while cases are
 * open or a biller's file could not be read, 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { loadBillers } from '../hub/billers.js';
import { loadHubConfig, settlementOptionsOf } from '../hub/config.js';
import { lateDemandBillerPort } from '../hub/demands/demand-biller-port.js';
import { DemandStore } from '../hub/demands/demand-store.js';
import { createSandboxGatewayClient } from '../hub/gateway/index.js';
import {
  createGatewayReportClient,
  dayToReconcile,
  formatReport,
  isReportDate,
  reconciliationDeps,
  runReconciliation,
} from '../hub/reconciliation/index.js';
import { enqueueSettlement, settlementQueue } from '../hub/settlement/index.js';
import { createLogger } from '../infra/logger.js';
import { connectMongo } from '../infra/mongo.js';
import { createRedis } from '../infra/redis.js';

const { values } = parseArgs({ options: { date: { type: 'string' } } });
const date = values.date ?? dayToReconcile();
if (!isReportDate(date)) {
  console.error(`--date must be YYYY-MM-DD, got ${date}`);
  process.exit(2);
}

const config = loadHubConfig();
const log = createLogger('recon', config.LOG_LEVEL);
const demandPort = lateDemandBillerPort();
const billers = await loadBillers(config.BILLERS_FILE, log, process.env, { demands: demandPort });
const mongo = await connectMongo(config.MONGODB_URI, { dbName: config.HUB_MONGODB_DB });
// The payment-demands biller's collection file is the hub's own demand store.
demandPort.bind(new DemandStore(mongo));
const redis = createRedis(config.REDIS_URL, { forBlockingCommands: true });
const queue = settlementQueue(redis, settlementOptionsOf(config));
const gatewayOptions = { baseUrl: config.GATEWAY_BASE_URL, apiKey: config.GATEWAY_API_KEY };
const gateway = createSandboxGatewayClient({ ...gatewayOptions, webhookSecret: config.GATEWAY_WEBHOOK_SECRET });
const reports = createGatewayReportClient(gatewayOptions);
try {
  const deps = await reconciliationDeps({
    mongo,
    billers,
    gateway,
    reports,
    log,
    startSettlement: async (payment) => {
      await enqueueSettlement(queue, payment);
    },
  });
  const result = await runReconciliation(deps, { date });
  console.log(formatReport(result));
  process.exitCode = result.report.casesOpen > 0 || result.report.sourceErrors.length > 0 ? 1 : 0;
} finally {
  reports.close();
  gateway.close();
  await queue.close();
  await redis.quit();
  await billers.close();
  await mongo.close();
}
