/**
 * A server under test, in a process of its own so that its CPU, event loop and RSS are its own:
 *   node --import tsx bench/idp/server.ts ours   the idp, as idp/main.ts builds it (env: IDP_* etc.);
 *                                                with IDP_PROCESSES > 1 this process is the cluster
 *                                                primary (infra/cluster.ts, as idp/main.ts runs it)
 *                                                and its workers run this file again as the idp
 *   node --import tsx bench/idp/server.ts bare   a bare oidc-provider on the same Redis adapter
 * Started by bench/idp/run.ts with an IPC channel; exits when that channel closes.
 */
import cluster from 'node:cluster';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import mongoose from 'mongoose';
import { buildIdp } from '../../idp/app.js';
import { idpProcessCount, loadIdpConfig } from '../../idp/config.js';
import { startWorkers } from '../../infra/cluster.js';
import { listen } from '../../infra/http/listen.js';
import { createLogger } from '../../infra/logger.js';
import { connectMongo } from '../../infra/mongo.js';
import { createRedis } from '../../infra/redis.js';
import { runService, startService } from '../../infra/service-runtime.js';
import { createBareProvider, mintRefreshTokens } from './bare-provider.js';
import type { BenchClient, MachineBenchClient } from './login-flow.js';
import type { Ready, Reply, Request, ServerCommand, ServerProcessStats, ServerStats } from './protocol.js';

interface Running {
  url: string;
  stop: () => Promise<void>;
  /** The processes serving, now (one unless clustered). */
  processes: () => Promise<ServerProcessStats[]>;
  /** Whether the CPU profiler can cover all the serving (one process). */
  profilable: boolean;
  mint?: (count: number) => Promise<string[]>;
}

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const startedElu = performance.eventLoopUtilization();

/**
 * MongoDB operations of this process by `<collection>.<method>`, from mongoose's debug hook (it
 * sees every collection method: findOne, insertOne ...). mongo-java-server keeps no opcounters,
 * so this is how the benchmark counts a login's reads; the bare provider makes none.
 */
const mongoOps: Record<string, number> = {};
mongoose.set('debug', (collection: string, method: string) => {
  const key = `${collection}.${method}`;
  mongoOps[key] = (mongoOps[key] ?? 0) + 1;
});

/** This process's figures for the stats command. */
function ownStats(role: ServerProcessStats['role']): ServerProcessStats {
  const elu = performance.eventLoopUtilization();
  return {
    pid: process.pid,
    role,
    ...(cluster.isWorker && cluster.worker ? { worker: cluster.worker.id } : {}),
    rssBytes: process.memoryUsage().rss,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    elu: { idle: elu.idle - startedElu.idle, active: elu.active - startedElu.active },
    mongoOps: { ...mongoOps },
  };
}

/** One idp process, as idp/main.ts starts it (with the benchmark's Redis key prefix). */
function startIdpService() {
  const config = loadIdpConfig(process.env);
  return startService({
    name: 'idp',
    port: config.IDP_PORT,
    host: '127.0.0.1',
    mongoUri: config.MONGODB_URI,
    mongoDb: config.IDP_MONGODB_DB,
    redisUrl: config.REDIS_URL,
    redisKeyPrefix: required('BENCH_REDIS_PREFIX'),
    logger: createLogger('idp', config.LOG_LEVEL),
    build: (deps) => buildIdp(config, deps, process.env),
  });
}

const STATS_REQUEST = 'bench:stats';
const STATS_REPLY = 'bench:stats-reply';

/** A cluster worker of `ours`: the idp under runService (SIGTERM stops it), answering the primary's stats requests. */
async function runOursWorker(): Promise<void> {
  process.on('message', (message: { type?: string; id?: number }) => {
    if (message?.type !== STATS_REQUEST) return;
    process.send?.({ type: STATS_REPLY, id: message.id, stats: ownStats('worker') });
  });
  await runService('idp', startIdpService);
}

async function startOurs(): Promise<Running> {
  const config = loadIdpConfig(process.env);
  const processes = idpProcessCount(config);
  if (processes <= 1) {
    const service = await startIdpService();
    return {
      url: service.url,
      processes: async () => [ownStats('single')],
      profilable: true,
      stop: async () => {
        await service.mongo.dropDatabase();
        await service.close();
      },
    };
  }
  const workers = startWorkers({ processes, log: createLogger('idp', config.LOG_LEVEL).child({ primary: true }) });
  await Promise.race([
    workers.ready,
    workers.done.then((code) => {
      throw new Error(`the idp workers exited (${code}) before they were ready`);
    }),
  ]);
  let nextId = 1;
  const workerStats = () =>
    Promise.all(
      workers.workers().map(
        (worker) =>
          new Promise<ServerProcessStats>((resolve, reject) => {
            const id = nextId++;
            const timer = setTimeout(() => reject(new Error(`worker ${worker.id} sent no stats`)), 10_000);
            const onMessage = (message: { type?: string; id?: number; stats?: ServerProcessStats }) => {
              if (message?.type !== STATS_REPLY || message.id !== id || !message.stats) return;
              clearTimeout(timer);
              worker.off('message', onMessage);
              resolve(message.stats);
            };
            worker.on('message', onMessage);
            worker.send({ type: STATS_REQUEST, id });
          }),
      ),
    );
  return {
    url: `http://127.0.0.1:${config.IDP_PORT}`,
    processes: async () => [ownStats('primary'), ...(await workerStats())],
    profilable: false,
    stop: async () => {
      await workers.stop();
      const mongo = await connectMongo(config.MONGODB_URI, { dbName: config.IDP_MONGODB_DB });
      await mongo.dropDatabase();
      await mongo.close();
    },
  };
}

async function startBare(): Promise<Running> {
  const redis = createRedis(required('REDIS_URL'), { keyPrefix: required('BENCH_REDIS_PREFIX') });
  const client = JSON.parse(required('BENCH_CLIENT')) as BenchClient;
  const provider = await createBareProvider({
    issuer: required('BENCH_ISSUER'),
    redis,
    client,
    machine: JSON.parse(required('BENCH_MACHINE_CLIENT')) as MachineBenchClient,
    resource: required('BENCH_RESOURCE'),
    cookieKey: required('BENCH_COOKIE_KEY'),
  });
  const server = await listen(provider, Number(required('BENCH_PORT')), '127.0.0.1');
  return {
    url: server.url,
    processes: async () => [ownStats('single')],
    profilable: true,
    mint: (count) => mintRefreshTokens(provider, client.id, required('BENCH_SCOPE'), count),
    stop: async () => {
      await server.close();
      await redis.quit();
    },
  };
}

/** Counts by key, added up over `counts`. */
function sumCounts(counts: Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const one of counts) for (const [key, n] of Object.entries(one)) total[key] = (total[key] ?? 0) + n;
  return total;
}

/** Sums the processes' figures; event-loop totals only over the processes that serve requests. */
function statsOf(processes: ServerProcessStats[]): ServerStats {
  const serving = processes.filter((p) => p.role !== 'primary');
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  return {
    processes,
    rssBytes: sum(processes.map((p) => p.rssBytes)),
    maxRssBytes: sum(processes.map((p) => p.maxRssBytes)),
    elu: { idle: sum(serving.map((p) => p.elu.idle)), active: sum(serving.map((p) => p.elu.active)) },
    mongoOps: sumCounts(processes.map((p) => p.mongoOps)),
    atMs: Date.now(),
  };
}

async function runParent(mode: 'ours' | 'bare'): Promise<void> {
  if (!process.send) throw new Error('server.ts is started by bench/idp/run.ts with an IPC channel');
  const send = (message: Reply | Ready) => process.send?.(message);
  const running = mode === 'ours' ? await startOurs() : await startBare();
  const inspector = new Session();

  const handle = async (command: ServerCommand): Promise<unknown> => {
    switch (command.cmd) {
      case 'stats':
        return statsOf(await running.processes());
      case 'profile-start':
        if (!running.profilable) throw new Error('a clustered idp is not profiled (its workers are other processes)');
        inspector.connect();
        await inspector.post('Profiler.enable');
        await inspector.post('Profiler.setSamplingInterval', { interval: command.intervalUs });
        await inspector.post('Profiler.start');
        return null;
      case 'profile-stop': {
        const { profile } = await inspector.post('Profiler.stop');
        await inspector.post('Profiler.disable');
        inspector.disconnect();
        writeFileSync(command.file, JSON.stringify(profile));
        return null;
      }
      case 'mint':
        if (!running.mint) throw new Error('only the bare provider mints tokens');
        return running.mint(command.count);
      case 'stop':
        // The benchmark closes the channel once it has the answer, and the server exits then.
        await running.stop();
        return null;
    }
  };

  process.on('message', (message: Request) => {
    if (!message?.command) return;
    handle(message.command).then(
      (result) => send({ id: message.id, ok: true, result }),
      (error: unknown) =>
        send({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  // The benchmark went away (finished, crashed or was killed): so does the server.
  process.on('disconnect', () => process.exit(0));
  send({ ready: true, url: running.url });
}

const mode = process.argv[2];
if (mode !== 'ours' && mode !== 'bare') throw new Error('usage: server.ts ours|bare');
if (cluster.isWorker) await runOursWorker();
else await runParent(mode);
