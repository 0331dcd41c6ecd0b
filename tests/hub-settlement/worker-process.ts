/**
 * The worker's jobs in a process of their own, as hub/worker/main.ts runs them, for the crash test
 * to kill: `node --import tsx tests/hub-settlement/worker-process.ts` with the hub's variables.
 * Prints "ready" once the worker listens.
 */
import { loadHubConfig } from '../../hub/config.js';
import { startWorkerJobs } from '../../hub/worker/jobs.js';
import { createLogger } from '../../infra/logger.js';
import { connectMongo } from '../../infra/mongo.js';
import { createRedis } from '../../infra/redis.js';

const config = loadHubConfig();
const mongo = await connectMongo(config.MONGODB_URI, { dbName: config.HUB_MONGODB_DB });
const redis = createRedis(config.REDIS_URL);
await startWorkerJobs(config, { mongo, redis, log: createLogger('worker-child', process.env.LOG_LEVEL ?? 'silent') });
process.stdout.write('ready\n');
