/**
 * A server under test, in a process of its own so that its CPU, event loop and RSS are its own:
 *   node --import tsx bench/idp/server.ts ours   the idp, as idp/main.ts builds it (env: IDP_* etc.)
 *   node --import tsx bench/idp/server.ts bare   a bare oidc-provider on the same Redis adapter
 * Started by bench/idp/run.ts with an IPC channel; exits when that channel closes.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { buildIdp } from '../../idp/app.js';
import { loadIdpConfig } from '../../idp/config.js';
import { listen } from '../../infra/http/listen.js';
import { createLogger } from '../../infra/logger.js';
import { createRedis } from '../../infra/redis.js';
import { startService } from '../../infra/service-runtime.js';
import { createBareProvider, mintRefreshTokens } from './bare-provider.js';
import type { BenchClient } from './login-flow.js';
import type { Ready, Reply, Request, ServerCommand, ServerStats } from './protocol.js';

interface Running {
  url: string;
  stop: () => Promise<void>;
  mint?: (count: number) => Promise<string[]>;
}

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

async function startOurs(): Promise<Running> {
  const config = loadIdpConfig(process.env);
  const service = await startService({
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
  return {
    url: service.url,
    stop: async () => {
      await service.mongo.dropDatabase();
      await service.close();
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
    cookieKey: required('BENCH_COOKIE_KEY'),
  });
  const server = await listen(provider, Number(required('BENCH_PORT')), '127.0.0.1');
  return {
    url: server.url,
    mint: (count) => mintRefreshTokens(provider, client.id, required('BENCH_SCOPE'), count),
    stop: async () => {
      await server.close();
      await redis.quit();
    },
  };
}

const mode = process.argv[2];
if (mode !== 'ours' && mode !== 'bare') throw new Error('usage: server.ts ours|bare');
if (!process.send) throw new Error('server.ts is started by bench/idp/run.ts with an IPC channel');
const send = (message: Reply | Ready) => process.send?.(message);

const running = mode === 'ours' ? await startOurs() : await startBare();
const inspector = new Session();
const startedAt = performance.eventLoopUtilization();

async function handle(command: ServerCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'stats': {
      const memory = process.memoryUsage();
      const elu = performance.eventLoopUtilization();
      const stats: ServerStats = {
        rssBytes: memory.rss,
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
        heapUsedBytes: memory.heapUsed,
        cpuUs: process.cpuUsage(),
        elu: { idle: elu.idle - startedAt.idle, active: elu.active - startedAt.active },
        atMs: Date.now(),
      };
      return stats;
    }
    case 'profile-start':
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
}

process.on('message', (message: Request) => {
  handle(message.command).then(
    (result) => send({ id: message.id, ok: true, result }),
    (error: unknown) =>
      send({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
// The benchmark went away (finished, crashed or was killed): so does the server.
process.on('disconnect', () => process.exit(0));
send({ ready: true, url: running.url });
