import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from 'mongoose';
import type { Redis } from '../../infra/redis.js';
import { type CitizenTarget, runCitizens } from './citizens.js';
import { drainSettlement } from './settlement.js';
import type { Service, Stack } from './stack.js';
import { takeSnapshot, usageBetween, type Watched } from './usage.js';

/** Settlement measured on its own: a backlog built with no worker running, then drained by N workers. */
export interface CapacityPhase {
  workers: number;
  /** Payments paid into the backlog, and their lines. */
  payments: number;
  lines: number;
  /**
   * Lines settled after the first fifth of the backlog (the new processes' warm-up), over the time
   * from then to the last settlement (hub timeline).
   */
  linesSettled: number;
  linesPerSecond: number;
  /** Wall time from the measurement's start (after the warm-up fifth) to the backlog drained, ms. */
  drainMs: number;
  /** Drained completely (every backlog payment left captured/settling). */
  drained: boolean;
  /** Server-side CPU over the drain per settled line, ms (hub, workers, gateway, sandboxes, mongo, redis). */
  cpuMsPerLine: number;
  /** The same, per process (each worker on its own). */
  cpuMsPerLineByProcess: Record<string, number>;
  /**
   * CPU the servers (every process above) kept busy over the same span as their CPU, % of one
   * core; and the whole machine's then (the benchmark's own polling and outside work too).
   */
  busyPercent: number;
  machinePercent: number;
}

export interface CapacityContext {
  stack: Stack;
  conn: Connection;
  redis: Redis;
  target: CitizenTarget;
  /** The processes of the stack other than the workers (hub, gateway, sandboxes, mongo, redis). */
  watched: Watched;
  log: (line: string) => void;
}

interface TimelineDoc {
  _id: string;
  status: string;
  lines: { _id: string }[];
  timeline: { at: Date; event: string }[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** The share of a backlog's lines the new workers settle before the measurement starts. */
const WARM_SHARE = 0.2;

/** Waits until at least `lines` settlement.settled entries exist among the backlog's payments. */
async function waitForSettledLines(conn: Connection, paid: string[], lines: number, timeoutMs: number) {
  const payments = conn.getClient().db(conn.name).collection<TimelineDoc>('payments');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const settled = await payments
      .aggregate<{ n: number }>([
        { $match: { _id: { $in: paid } } },
        { $unwind: '$lines' },
        { $match: { 'lines.status': 'settled' } },
        { $count: 'n' },
      ])
      .toArray();
    if ((settled[0]?.n ?? 0) >= lines) return;
    await sleep(100);
  }
}

/** Waits until every paid payment of the backlog has been captured by the hub (its settle jobs queued). */
async function waitForCaptures(conn: Connection, paid: string[], timeoutMs: number): Promise<void> {
  const payments = conn.getClient().db(conn.name).collection<TimelineDoc>('payments');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const waiting = await payments.countDocuments({ _id: { $in: paid }, status: 'awaiting_payment' });
    if (waiting === 0) return;
    await sleep(250);
  }
}

/**
 * One capacity phase: with no worker running, the citizens check out and pay `backlog` payments
 * (the hub captures them and queues their lines), then `workers` worker processes start together
 * and drain the queue. Lines settled/s is the backlog's settled lines over the span of their
 * `settlement.settled` timeline entries: the rate settlement runs at when it is never waiting for
 * checkouts. Returns the figures and where the next load's consumers start.
 */
export async function capacityPhase(
  ctx: CapacityContext,
  workers: number,
  backlog: number,
  drainTimeoutMs: number,
): Promise<{ phase: CapacityPhase; nextConsumer: number }> {
  ctx.log(`capacity, ${workers} worker(s): building a backlog of ${backlog} paid checkouts with no worker running`);
  const load = await runCitizens(ctx.target, {
    durationMs: 0,
    tailMs: 120_000,
    stopAfterPaid: backlog,
    onWindowStart: async () => {},
    onWindowEnd: async () => {},
  });
  const paid = [...load.simulatedAt.keys()];
  await waitForCaptures(ctx.conn, paid, 30_000);
  const started = await ctx.stack.startWorkers(workers);
  const watched: Watched = { ...ctx.watched };
  started.forEach((w, i) => {
    watched[`worker-${i + 1}`] = w.pid;
  });
  ctx.log(`capacity, ${workers} worker(s): ${paid.length} payments queued; draining`);
  // Fresh processes compile and warm up on their first jobs: the first fifth of the backlog is
  // theirs, and the rate and CPU are measured over the rest.
  const warmLines = Math.ceil(paid.length * 3 * WARM_SHARE);
  await waitForSettledLines(ctx.conn, paid, warmLines, drainTimeoutMs);
  const fromMs = Date.now();
  const before = await takeSnapshot(ctx.stack, watched, ctx.redis);
  const drainMs = await drainSettlement(ctx.conn, new Set(paid), drainTimeoutMs);
  const after = await takeSnapshot(ctx.stack, watched, ctx.redis);
  await ctx.stack.stopWorkers(started as Service[]);

  const docs = await ctx.conn
    .getClient()
    .db(ctx.conn.name)
    .collection<TimelineDoc>('payments')
    .find({ _id: { $in: paid } }, { projection: { status: 1, 'lines._id': 1, timeline: 1 } })
    .toArray();
  const settledAt = docs.flatMap((d) =>
    d.timeline.filter((e) => e.event === 'settlement.settled' && e.at.getTime() >= fromMs).map((e) => e.at.getTime()),
  );
  const last = Math.max(...settledAt);
  const spanS = Math.max(0.001, (last - fromMs) / 1000);
  const usage = usageBetween(before, after);
  const cpuMsPerLineByProcess: Record<string, number> = {};
  let serverMs = 0;
  for (const [name, u] of Object.entries(usage.processes)) {
    if (name === 'loadgen') continue;
    const ms = u.cpuMs;
    serverMs += ms;
    cpuMsPerLineByProcess[name] = settledAt.length ? round2(ms / settledAt.length) : 0;
  }
  const phase: CapacityPhase = {
    workers,
    payments: paid.length,
    lines: docs.reduce((n, d) => n + d.lines.length, 0),
    linesSettled: settledAt.length,
    linesPerSecond: settledAt.length > 1 ? round1(settledAt.length / spanS) : 0,
    drainMs,
    drained: docs.every((d) => !['captured', 'settling'].includes(d.status)),
    cpuMsPerLine: settledAt.length ? round2(serverMs / settledAt.length) : 0,
    cpuMsPerLineByProcess,
    busyPercent: round1((serverMs / Math.max(1, after.atMs - before.atMs)) * 100),
    machinePercent: usage.machinePercent,
  };
  ctx.log(
    `capacity, ${workers} worker(s): ${phase.linesSettled} lines at ${phase.linesPerSecond} lines/s, ` +
      `${phase.cpuMsPerLine} CPU ms per line`,
  );
  return { phase, nextConsumer: load.nextConsumer };
}
