/**
 * Preloaded into the hub and worker processes by bench/hub/run.ts
 * (`node --import tsx --import bench/hub/probe.ts hub/main.ts`); does nothing without BENCH_PROBE_FILE.
 *
 * - Counts the MongoDB operations mongoose sends (its `debug` hook sees every collection method:
 *   insertOne, findOneAndUpdate, findOne ...), by collection and method. mongo-java-server has no
 *   opcounters in serverStatus, so this is how the benchmark counts the hub's writes.
 * - Writes them with the process's CPU time, event-loop utilisation and RSS to BENCH_PROBE_FILE
 *   every 250 ms and at exit (written aside and renamed, so a reader never sees half a file). A
 *   cluster worker (HUB_PROCESSES > 1: each worker preloads this too, from the primary's execArgv)
 *   writes to `BENCH_PROBE_FILE.w<worker id>` instead (bench/hub/probe-files.ts merges them).
 * - SIGUSR2 starts a V8 CPU profile, the next SIGUSR2 writes it to `<its own file>.cpuprofile`.
 */
import cluster from 'node:cluster';
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { type ProbeSnapshot, probeFileOf } from './probe-files.js';

const worker = cluster.isWorker ? cluster.worker?.id : undefined;
const base = process.env.BENCH_PROBE_FILE;
const file = base ? probeFileOf(base, worker) : undefined;

if (file) {
  const ops: Record<string, number> = {};
  mongoose.set('debug', (collection: string, method: string) => {
    const key = `${collection}.${method}`;
    ops[key] = (ops[key] ?? 0) + 1;
  });

  const write = () => {
    const elu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage();
    const snapshot: ProbeSnapshot = {
      atMs: Date.now(),
      pid: process.pid,
      ...(worker ? { worker } : {}),
      cpuUs: cpu.user + cpu.system,
      elu: { idle: elu.idle, active: elu.active },
      rssBytes: process.memoryUsage.rss(),
      ops,
    };
    try {
      writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
      renameSync(`${file}.tmp`, file);
    } catch {
      // The benchmark's temp dir is gone: it is stopping us anyway.
    }
  };
  setInterval(write, 250).unref();
  process.on('exit', write);

  let session: Session | undefined;
  process.on('SIGUSR2', () => {
    void (async () => {
      if (!session) {
        session = new Session();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 500 });
        await session.post('Profiler.start');
        return;
      }
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      session = undefined;
      writeFileSync(`${file}.cpuprofile.tmp`, JSON.stringify(profile));
      renameSync(`${file}.cpuprofile.tmp`, `${file}.cpuprofile`);
    })();
  });
}
