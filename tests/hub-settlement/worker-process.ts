/**
 * A settlement worker in a process of its own, as hub/worker/main.ts runs it, for the crash test
 * to kill: `node --import tsx tests/hub-settlement/worker-process.ts` with the variables below.
 * Prints "ready" once the worker listens.
 */
import { z } from 'zod';
import { runSettlementWorker } from '../../hub/settlement/run-worker.js';
import { settlementEnvSchema } from '../../hub/settlement/settlement-env.js';
import { loadConfig } from '../../infra/config.js';
import { createLogger } from '../../infra/logger.js';
import { connectMongo } from '../../infra/mongo.js';

const schema = settlementEnvSchema.extend({
  MONGODB_URI: z.string().min(1),
  HUB_MONGODB_DB: z.string().min(1),
  REDIS_URL: z.string().min(1),
  BILLERS_FILE: z.string().min(1),
  GATEWAY_BASE_URL: z.string().min(1),
  GATEWAY_API_KEY: z.string().min(1),
  GATEWAY_WEBHOOK_SECRET: z.string().min(1),
});

const config = loadConfig(schema);
const mongo = await connectMongo(config.MONGODB_URI, { dbName: config.HUB_MONGODB_DB });
await runSettlementWorker(config, { mongo, log: createLogger('settlement-child', process.env.LOG_LEVEL ?? 'silent') });
process.stdout.write('ready\n');
