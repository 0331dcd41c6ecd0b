import type { ProfileResult } from '../idp/report.js';
import { describeMachine } from '../shared/machine.js';
import type { ReportHeader } from '../shared/report-header.js';
import type { WarmupSummary } from '../shared/stable-warmup.js';
import type { CapacityPhase } from './capacity.js';
import type { CitizenLoadResult } from './citizens.js';
import type { HubMachineBound } from './machine-bound.js';
import type { RawBaseline, RawPhase } from './mongo-baseline.js';
import type { ProfileTarget } from './profile-target.js';
import type { Latency, SettlementStats } from './settlement.js';
import type { WindowUsage } from './usage.js';

export const TARGETS = {
  /** Lines settled per second as a share of the DB-bound ceiling. */
  ceilingPercent: 70,
  checkoutP99Ms: 150,
  /** Settlement capacity (backlog drained, best worker count) as a share of the DB-bound ceiling. */
  capacityCeilingPercent: 50,
};

const WRITE_METHODS = new Set([
  'insertOne',
  'insertMany',
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'bulkWrite',
]);
const READ_METHODS = new Set(['findOne', 'find', 'countDocuments', 'estimatedDocumentCount', 'aggregate', 'distinct']);

/**
 * The writes one paid 3-line checkout makes on the happy path, read from the code (hub/checkout,
 * hub/risk, hub/bill-claims, hub/settlement, hub/ledger, hub/receipts): the cross-check of what the
 * probe counts. A flag-only risk hit at checkout (in the benchmark the new-account rule fires on most
 * checkouts: its citizens are minutes old and pay many consumers) is written with the move to
 * awaiting_payment, so it adds no write; a hit that opens a review adds one.
 */
export const CODE_PATH_WRITES = {
  perPayment: [
    'payments.insertMany: the payment, created, one document inserted lean (checkout)',
    "risk_activity.bulkWrite: the citizen's activity and its lines under their consumers, one command (checkout)",
    'bill_claims.insertMany: its bills claimed, one command (checkout)',
    'payments.findOneAndUpdate: created → awaiting_payment, with the order id and any flag-only risk hits (checkout)',
    'payments.findOneAndUpdate: awaiting_payment → captured → settling, every line pending → posting (webhook)',
    'ledger_transactions.insertMany: the capture movement (webhook)',
    'ledger_transactions.insertMany: the three settlements, one insert, before the completion (settle-payment job)',
    'payments.findOneAndUpdate: every line posting → settled, and settling → completed (settle-payment job)',
    "receipts.insertMany: the receipt, one document inserted lean, with notifiedAt (the bench's citizens have no contact; a citizen with one gets the message's delivery records instead) (issue-receipt job)",
  ],
  perLine: [] as string[],
  linesPerPayment: 3,
};
const { perPayment, perLine, linesPerPayment } = CODE_PATH_WRITES;
export const CODE_PATH_WRITES_PER_LINE =
  Math.round(((perPayment.length + perLine.length * linesPerPayment) / linesPerPayment) * 100) / 100;

export interface MongoOpsPerLine {
  /** How the writes were counted. */
  method: string;
  linesSettled: number;
  writes: number;
  inserts: number;
  updates: number;
  reads: number;
  /** `<collection>.<method>` per settled line, hub and worker together, largest first. */
  byOperation: Record<string, number>;
  codePathWritesPerLine: number;
}

export interface Ceiling {
  /** The brief's: raw conditional-update rate (1,000-document collection) / writes per line. */
  linesPerSecond: number;
  achievedPercent: number;
  /**
   * At the hub's own collection size: inserts at the raw insert rate, updates at the rate of the
   * hub's line transition on as many payment-shaped documents as the hub had mid-window.
   */
  atHubSizeLinesPerSecond?: number;
  atHubSizeAchievedPercent?: number;
  /** The hub's MongoDB writes per second in the window, against the raw update rate. */
  hubWritesPerSecond: number;
  dbWriteUtilisationPercent: number;
}

export interface OverTime {
  bucketSeconds: number;
  linesSettledPerSecond: number[];
  checkoutsPerSecond: number[];
  checkoutP50Ms: number[];
  checkoutP99Ms: number[];
}

/** A CPU profile of the hub or the worker; with a hub cluster, of one of its workers (`clusterWorker`). */
export type HubProfile = ProfileResult & { clusterWorker?: ProfileTarget['clusterWorker'] };

/** Hub and worker profiles, as the report keeps them. */
export type HubProfiles = { hub?: HubProfile; worker?: HubProfile };

export interface HubBenchReport extends ReportHeader<typeof TARGETS> {
  /** The run's settings (bench/hub/run.ts); `hubProcesses` is the hub's HUB_PROCESSES. */
  settings: ReportHeader<typeof TARGETS>['settings'] & { hubProcesses: number };
  baseline: RawBaseline & { paymentShapedAtHubSize?: RawPhase };
  load: {
    citizens: number;
    seconds: number;
    iterations: number;
    checkoutsPerSecond: number;
    checkoutMs: Latency;
    billFetchMs: Latency;
    simulateMs: Latency;
    errors: CitizenLoadResult['errors'];
    /** Checkouts refused with 409 over the whole run (a bill asked for twice): expected 0. */
    conflicts: number;
    /** Consumers per biller the sandboxes had (SANDBOX_CONSUMERS), sized from the run's settings. */
    consumersPerBiller: number;
    /** True when the citizens used every consumer and stopped before the run's end. */
    populationExhausted: boolean;
    errorSamples: Record<string, number>;
  };
  settlement: SettlementStats & { drainMs: number };
  overTime: OverTime;
  mongo: MongoOpsPerLine;
  ceiling: Ceiling;
  verdicts: { ceiling: string; checkoutP99: string; capacity: string };
  /** The warm-up before the window: until checkouts/s was stable. */
  warmup: WarmupSummary;
  cpu: CpuPerOperation;
  capacity: CapacitySummary;
  /** What the machine's CPU allows at this run's CPU costs, beside the goals that need more of it. */
  machineBound?: HubMachineBound;
  usage: WindowUsage;
  redisCommandsPerLine: Record<string, number>;
  /**
   * VmRSS of the hub and the worker, MB, each summed over its process tree (a hub cluster: primary
   * + workers): idle before the load, at the window's end, and peak = each process's own VmHWM
   * summed (an upper bound when the processes peaked at different moments).
   */
  rss: Record<string, { idleMb: number; endMb: number; peakMb: number }>;
  childLogs: Record<string, { warnings: number; errors: number; samples: Record<string, number> }>;
  profiles: HubProfiles;
  whereTheTimeGoes: string[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** How the report names a process: `hub (N processes)` for a hub cluster of N workers, else its name. */
export const processLabel = (name: string, hubProcesses: number): string =>
  name === 'hub' && hubProcesses > 1 ? `hub (${hubProcesses} processes)` : name;

/** ` (worker 1 of 2, pid 1234)` for a profile of one hub cluster worker; '' otherwise. */
const profileOf = (profile: HubProfile): string => {
  const w = profile.clusterWorker;
  return w ? ` (worker ${w.id} of ${w.processes}, pid ${w.pid})` : '';
};

/**
 * CPU ms per operation over the measured window (contracts14.md): CPU time of every server-side
 * process (hub, worker, gateway, sandboxes, MongoDB JVM, redis-server) / lines settled in the
 * window, and / checkouts answered in it; per process too. The load generator is apart.
 */
export interface CpuPerOperation {
  msPerLine: number;
  msPerCheckout: number;
  perLineByProcess: Record<string, number>;
  perCheckoutByProcess: Record<string, number>;
  loadgenMsPerCheckout: number;
  /**
   * The servers' CPU over the load generator's, same window (bench:idp's `x client`): it holds
   * when the machine's speed moves, which the CPU ms do not. 0 when the load generator used none.
   */
  cpuPerClientCpu: number;
}

export function cpuPerOperation(usage: WindowUsage, lines: number, checkouts: number): CpuPerOperation {
  const per = (ms: number, n: number) => (n ? round2(ms / n) : 0);
  let serverMs = 0;
  const perLineByProcess: Record<string, number> = {};
  const perCheckoutByProcess: Record<string, number> = {};
  for (const [name, u] of Object.entries(usage.processes).sort((a, b) => b[1].cpuMs - a[1].cpuMs)) {
    if (name === 'loadgen') continue;
    serverMs += u.cpuMs;
    perLineByProcess[name] = per(u.cpuMs, lines);
    perCheckoutByProcess[name] = per(u.cpuMs, checkouts);
  }
  return {
    msPerLine: per(serverMs, lines),
    msPerCheckout: per(serverMs, checkouts),
    perLineByProcess,
    perCheckoutByProcess,
    loadgenMsPerCheckout: per(usage.processes.loadgen?.cpuMs ?? 0, checkouts),
    cpuPerClientCpu: per(serverMs, usage.processes.loadgen?.cpuMs ?? 0),
  };
}

/** The capacity phases against the same run's DB ceiling, and how they scale with workers. */
export interface CapacitySummary {
  phases: CapacityPhase[];
  /** Lines settled/s with the most workers over lines settled/s with one. */
  scaling?: number;
  /** The best phase's lines settled/s as % of the DB-bound ceiling (raw update rate / writes per line). */
  ceilingPercent?: number;
  verdict: string;
}

export function capacitySummary(phases: CapacityPhase[], ceilingLinesPerSecond: number): CapacitySummary {
  const one = phases.find((p) => p.workers === 1)?.linesPerSecond ?? 0;
  const most = phases.at(-1);
  const best = Math.max(0, ...phases.map((p) => p.linesPerSecond));
  const ceilingPercent = ceilingLinesPerSecond ? round1((best / ceilingLinesPerSecond) * 100) : undefined;
  return {
    phases,
    ...(most && one ? { scaling: round2(most.linesPerSecond / one) } : {}),
    ...(ceilingPercent !== undefined ? { ceilingPercent } : {}),
    verdict:
      ceilingPercent === undefined
        ? 'not measured'
        : `${ceilingPercent >= TARGETS.capacityCeilingPercent ? 'met' : 'MISSED'} ≥ ${TARGETS.capacityCeilingPercent}% of the DB ceiling`,
  };
}

/** Writes, reads and the rest per settled line, from the probes' totals over the whole run. */
export function opsPerLine(totals: Record<string, number>, linesSettled: number): MongoOpsPerLine {
  let inserts = 0;
  let updates = 0;
  let reads = 0;
  const byOperation: Record<string, number> = {};
  for (const [key, count] of Object.entries(totals)) {
    const method = key.slice(key.lastIndexOf('.') + 1);
    if (WRITE_METHODS.has(method)) {
      if (method.startsWith('insert')) inserts += count;
      else updates += count;
    } else if (READ_METHODS.has(method)) reads += count;
    byOperation[key] = count;
  }
  const per = (n: number) => (linesSettled ? round2(n / linesSettled) : 0);
  return {
    method:
      'counted in the hub and worker processes: bench/hub/probe.ts counts every collection call mongoose makes ' +
      '(its debug hook), over the whole run after the drain, divided by the lines settled ' +
      '(mongo-java-server has no opcounters in serverStatus)',
    linesSettled,
    writes: per(inserts + updates),
    inserts: per(inserts),
    updates: per(updates),
    reads: per(reads),
    byOperation: Object.fromEntries(
      Object.entries(byOperation)
        .map(([key, count]) => [key, per(count)] as const)
        .filter(([, n]) => n >= 0.01)
        .sort((a, b) => b[1] - a[1]),
    ),
    codePathWritesPerLine: CODE_PATH_WRITES_PER_LINE,
  };
}

export function ceilingOf(
  baseline: RawBaseline & { paymentShapedAtHubSize?: RawPhase },
  mongo: MongoOpsPerLine,
  linesPerSecond: number,
  usage: WindowUsage,
): Ceiling {
  const updateRate = baseline.update.perSecond;
  const ceiling = mongo.writes ? updateRate / mongo.writes : 0;
  const shaped = baseline.paymentShapedAtHubSize?.perSecond;
  const secondsPerLine = shaped
    ? mongo.inserts / Math.max(1, baseline.insert.perSecond) + mongo.updates / Math.max(1, shaped)
    : 0;
  const atSize = secondsPerLine ? 1 / secondsPerLine : undefined;
  let hubWrites = 0;
  for (const ops of [usage.mongoOps.hub, usage.mongoOps.worker]) {
    for (const [key, count] of Object.entries(ops)) {
      if (WRITE_METHODS.has(key.slice(key.lastIndexOf('.') + 1))) hubWrites += count;
    }
  }
  const hubWritesPerSecond = round1(hubWrites / usage.seconds);
  return {
    linesPerSecond: round1(ceiling),
    achievedPercent: ceiling ? round1((linesPerSecond / ceiling) * 100) : 0,
    ...(atSize
      ? { atHubSizeLinesPerSecond: round1(atSize), atHubSizeAchievedPercent: round1((linesPerSecond / atSize) * 100) }
      : {}),
    hubWritesPerSecond,
    dbWriteUtilisationPercent: updateRate ? round1((hubWritesPerSecond / updateRate) * 100) : 0,
  };
}

/**
 * Plain sentences from the window's CPU: which process is the limit. `hubProcesses`: the hub's
 * HUB_PROCESSES (its CPU is its whole cluster's, its ELU the workers' mean).
 */
export function whereTheTimeGoes(
  usage: WindowUsage,
  linesPerSecond: number,
  checkoutsPerSecond: number,
  backlogAtWindowEnd: number,
  profiles: HubProfiles,
  baseline: RawBaseline & { paymentShapedAtHubSize?: RawPhase },
  hubProcesses = 1,
): string[] {
  const notes: string[] = [];
  const label = (name: string) => processLabel(name, hubProcesses);
  const capacity = usage.cores * 100;
  const busiest = Object.entries(usage.processes).sort((a, b) => b[1].cpuPercent - a[1].cpuPercent);
  const shares = busiest.map(([name, u]) => `${label(name)} ${u.cpuPercent}%`).join(', ');
  notes.push(
    `CPU in the window (100% = one core, ${capacity}% = the machine): ${shares}; machine ${usage.machinePercent}%.`,
  );
  if (usage.machinePercent >= capacity * 0.9) {
    notes.push(
      `The machine is CPU-bound (${usage.machinePercent}% of ${capacity}%): every process competes for the same ` +
        `${usage.cores} cores, so no single one can run at full speed.`,
    );
  }
  for (const name of ['hub', 'worker']) {
    const u = usage.processes[name];
    if (!u) continue;
    const elu = Math.round((u.eventLoopUtilization ?? 0) * 100);
    const n = name === 'hub' ? hubProcesses : 1;
    // A cluster's CPU is its processes' together; each worker is held against one core.
    const each = round1(u.cpuPercent / n);
    const loop = n > 1 ? `event loops ${elu}% busy (the workers' mean)` : `event loop ${elu}% busy`;
    const cpu = n > 1 ? `${u.cpuPercent}% CPU (${each}% per worker)` : `${u.cpuPercent}% CPU`;
    if (elu >= 90 && each >= 85) {
      notes.push(`${label(name)}: ${loop} at ${cpu}: ${n > 1 ? 'their' : 'its one'} JS thread is the limit.`);
    } else if (elu >= 90) {
      notes.push(
        `${label(name)}: ${loop} but only ${cpu}: it always has work and waits for a ` +
          'CPU the other processes hold, so it is saturated by the machine, not by its own thread.',
      );
    } else {
      notes.push(`${label(name)}: ${loop}, ${cpu}: it has spare time and waits on others.`);
    }
  }
  const perCheckout = (name: string) =>
    checkoutsPerSecond ? round1(((usage.processes[name]?.cpuPercent ?? 0) * 10) / checkoutsPerSecond) : 0;
  notes.push(
    `CPU ms per paid checkout (3 lines): ${busiest.map(([name]) => `${label(name)} ${perCheckout(name)}`).join(', ')}.`,
  );
  if (linesPerSecond && usage.processes.mongo) {
    notes.push(
      `MongoDB (JVM) CPU per settled line: ${round2((usage.processes.mongo.cpuPercent * 10) / linesPerSecond)} ms.`,
    );
  }
  for (const [name, profile] of Object.entries(profiles) as [string, HubProfile | undefined][]) {
    if (!profile) continue;
    const inside = (what: string) => profile.inclusive.find((i) => i.what.startsWith(what))?.percent ?? 0;
    const socket = profile.topFunctions
      .filter((f) => /^(writeBuffer|writev|writeUtf8String|writeLatin1String|writeAsciiString)\b/.test(f.fn))
      .reduce((sum, f) => sum + f.percent, 0);
    notes.push(
      `${label(name)} profile${profileOf(profile)}: ${inside('MongoDB')}% of its busy JS time is inside mongoose + the driver + bson, ` +
        `${inside('Redis')}% in ioredis, ${round1(socket)}% in socket write syscalls; by area: ` +
        `${profile.byArea
          .slice(0, 5)
          .map((a) => `${a.area} ${a.percent}%`)
          .join(', ')}.`,
    );
  }
  if (linesPerSecond < checkoutsPerSecond * 3 * 0.9) {
    notes.push(
      `Settlement falls behind: ${round1(checkoutsPerSecond * 3)} lines/s checked out, ${linesPerSecond} lines/s ` +
        `settled; ${backlogAtWindowEnd} payments captured in the window were still settling at its end, so ` +
        'capture → completed is mostly time queued behind them, not the work of one payment.',
    );
  }
  const shaped = baseline.paymentShapedAtHubSize;
  if (shaped) {
    notes.push(
      "The hub's conditional line transition ({_id, status, lines: {$elemMatch}} with arrayFilters and a $push) " +
        `ran at ${shaped.perSecond}/s on ${shaped.documents} payment-shaped documents against ` +
        `${baseline.update.perSecond}/s for {_id, status} on ${baseline.update.documents} small ones; the local ` +
        'mongo-java-server finds both through the _id index (scripts/mongo-server/SubsetIndexLookup.java), as a ' +
        'real MongoDB does, so neither slows as payments accumulate.',
    );
  }
  if (usage.foreignPercent > 15) {
    const seen = Object.entries(usage.foreignProcesses).map(([comm, p]) => `${comm} ${p}%`);
    notes.push(
      `WARNING: ${usage.foreignPercent}% CPU went to work outside this benchmark${seen.length ? ` (${seen.join(', ')})` : ''}: ` +
        'the numbers are lower than on a quiet machine.',
    );
  }
  return notes;
}

const pad = (cells: (string | number)[], widths: number[]) =>
  cells
    .map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i] ?? 0) : String(cell).padStart(widths[i] ?? 0)))
    .join('  ');

const lat = (l: Latency) => `p50 ${l.p50} / p99 ${l.p99} ms (max ${l.max}, n=${l.count})`;

/** The report as text on stdout: tables, the ceiling, CPU per operation, notes and profiles. */
export function printReport(r: HubBenchReport): void {
  const hubProcesses = r.settings.hubProcesses;
  const label = (name: string) => processLabel(name, hubProcesses);
  console.log(`\n=== hub benchmark — ${describeMachine(r.machine)}`);
  console.log(`    MongoDB: ${r.services.mongo}; Redis: ${r.services.redis}`);
  console.log(
    `    ${r.load.citizens} citizens, ${r.load.seconds} s measured, hub: ${hubProcesses === 1 ? 'one process' : `a cluster of ${hubProcesses} worker processes`}; machine load before the run (from outside): ` +
      `${r.backgroundLoadPercent}%; outside load during the window: ${r.usage.foreignPercent}%\n`,
  );

  const row = (name: string, value: string | number) => console.log(`${name.padEnd(44)}  ${value}`);
  row(
    'warm-up',
    `${r.warmup.stable ? 'stable' : 'NOT stable'} after ${round1(r.warmup.ms / 1000)} s (checkouts/s per window: ${r.warmup.windowRates.join(', ')})`,
  );
  row('checkouts/s (3 lines each, 201 in window)', r.load.checkoutsPerSecond);
  row('payment lines checked out/s (3 per checkout)', round1(r.load.checkoutsPerSecond * 3));
  row('payment lines settled/s (from the DB)', r.settlement.linesSettledPerSecond);
  row('checkout (POST /checkouts)', lat(r.load.checkoutMs));
  row('capture → completed (hub timeline)', lat(r.settlement.captureToCompletedMs));
  row('pay (simulate call) → captured', lat(r.settlement.payToCapturedMs));
  row('pay (simulate call) → completed', lat(r.settlement.payToCompletedMs));
  row('bill fetch through the hub', lat(r.load.billFetchMs));
  row('simulate call at the gateway', lat(r.load.simulateMs));
  row(
    'errors: bill / checkout / simulate',
    `${r.load.errors.bill} / ${r.load.errors.checkout} / ${r.load.errors.simulate}`,
  );
  row(
    'checkouts refused 409 (whole run, not errors)',
    `${r.load.conflicts}; ${r.load.consumersPerBiller} consumers per biller${r.load.populationExhausted ? ', ALL USED: the citizens stopped early' : ''}`,
  );
  row('settlement backlog at window end', `${r.settlement.backlogAtWindowEnd} payments`);
  row(
    'unfinished after the drain',
    `${r.settlement.unfinishedAfterDrain} payments (drain took ${round1(r.settlement.drainMs / 1000)} s)`,
  );
  row(
    'lines by status (whole run)',
    Object.entries(r.settlement.lineStatuses)
      .map(([status, n]) => `${status} ${n}`)
      .join(', '),
  );
  for (const name of ['hub', 'worker']) {
    const m = r.rss[name];
    const summed = name === 'hub' && hubProcesses > 1;
    if (m) {
      row(
        `RSS ${label(name)} (VmRSS${summed ? ', summed' : ''})`,
        `${m.idleMb} MB idle, ${m.endMb} MB at window end, peak ${m.peakMb} MB${summed ? " (each process's peak, summed)" : ''}`,
      );
    }
  }

  const o = r.overTime;
  console.log(`\nover the window, ${o.bucketSeconds} s at a time:`);
  console.log(`  lines settled/s  ${o.linesSettledPerSecond.join('  ')}`);
  console.log(`  checkouts/s      ${o.checkoutsPerSecond.join('  ')}`);
  console.log(`  checkout p50 ms  ${o.checkoutP50Ms.join('  ')}`);
  console.log(`  checkout p99 ms  ${o.checkoutP99Ms.join('  ')}`);
  const sizes = r.settlement.paymentsInCollection;
  console.log(
    `  payments in the collection: ${sizes.windowStart} at the start, ${sizes.windowMid} mid-window, ${sizes.windowEnd} at the end`,
  );

  console.log('\nraw MongoDB, same server, from this process (scratch databases):');
  const phases = [r.baseline.insert, r.baseline.update, r.baseline.paymentShapedAtHubSize].filter(
    (p): p is RawPhase => p !== undefined,
  );
  for (const p of phases) {
    console.log(
      `  ${p.name.padEnd(46)} ${String(p.perSecond).padStart(8)} ops/s  (${p.clients} clients, ${p.seconds} s, ` +
        `${p.documents} docs, misses ${p.misses}, machine CPU ${p.machinePercent}%)`,
    );
  }

  const m = r.mongo;
  console.log(
    `\nMongoDB work per settled line: ${m.writes} writes (${m.inserts} inserts + ${m.updates} updates), ${m.reads} reads; ` +
      `the code path says ${m.codePathWritesPerLine} writes`,
  );
  console.log(`  ${m.method}`);
  console.log(
    `  ${Object.entries(m.byOperation)
      .map(([op, n]) => `${op} ${n}`)
      .join(', ')}`,
  );
  const c = r.ceiling;
  console.log(
    `\nDB-bound ceiling = raw update rate / writes per line = ${r.baseline.update.perSecond} / ${m.writes} = ` +
      `${c.linesPerSecond} lines/s; achieved ${r.settlement.linesSettledPerSecond} lines/s = ${c.achievedPercent}% ` +
      `(${r.verdicts.ceiling})`,
  );
  if (c.atHubSizeLinesPerSecond !== undefined) {
    console.log(
      `  at the hub's collection size (inserts at the insert rate, updates at the payment-shaped rate): ` +
        `ceiling ${c.atHubSizeLinesPerSecond} lines/s, achieved ${c.atHubSizeAchievedPercent}%`,
    );
  }
  console.log(
    `  the hub's writes in the window: ${c.hubWritesPerSecond}/s = ${c.dbWriteUtilisationPercent}% of the raw update rate`,
  );
  console.log(`checkout p99 ${r.load.checkoutMs.p99} ms (${r.verdicts.checkoutP99})`);
  const bound = r.machineBound;
  if (bound) {
    console.log(
      `  the machine's CPU allows at most ${bound.checkoutsPerSecond} checkouts/s at this run's CPU per checkout ` +
        `(${r.cpu.msPerCheckout} ms of the servers + ${r.cpu.loadgenMsPerCheckout} of the load generator); ` +
        `${r.load.citizens} citizens who never pause would then see a checkout p99 of about ${bound.checkoutP99AtBoundMs} ms; ` +
        `${TARGETS.checkoutP99Ms} ms needs about ${bound.coresForCheckoutP99Goal} cores`,
    );
  }

  const byProcess = (m: Record<string, number>) =>
    Object.entries(m)
      .map(([name, ms]) => `${label(name)} ${ms}`)
      .join(', ');
  console.log('\nCPU ms per operation (hub + worker + gateway + sandboxes + mongo + redis, over the window):');
  console.log(`  per paid line settled  ${r.cpu.msPerLine}  (${byProcess(r.cpu.perLineByProcess)})`);
  console.log(`  per checkout           ${r.cpu.msPerCheckout}  (${byProcess(r.cpu.perCheckoutByProcess)})`);
  console.log(
    `  load generator         ${r.cpu.loadgenMsPerCheckout} per checkout (not in the figures above); ` +
      `x client ${r.cpu.cpuPerClientCpu} (the servers' CPU over the load generator's: it holds when the machine's speed moves)`,
  );

  if (r.capacity.phases.length) {
    console.log('\nsettlement capacity on its own (a backlog paid with no worker running, then drained):');
    for (const p of r.capacity.phases) {
      console.log(
        `  ${p.workers} worker${p.workers === 1 ? ' ' : 's'}  ${String(p.linesPerSecond).padStart(7)} lines/s  ` +
          `(${p.linesSettled} of ${p.lines} lines of ${p.payments} payments, after the first fifth that warms the ` +
          `new workers up; drain ${round1(p.drainMs / 1000)} s` +
          `${p.drained ? '' : ', NOT DRAINED'}), CPU ms per line ${p.cpuMsPerLine} (${byProcess(p.cpuMsPerLineByProcess)}), ` +
          `servers ${p.busyPercent}% busy, machine ${p.machinePercent}%`,
      );
    }
    if (r.capacity.scaling !== undefined) {
      console.log(`  ${r.capacity.phases.at(-1)?.workers} workers / 1 worker: ${r.capacity.scaling}x`);
    }
    console.log(
      `  best as % of the DB-bound ceiling (${r.ceiling.linesPerSecond} lines/s): ${r.capacity.ceilingPercent ?? '-'}% ` +
        `(${r.verdicts.capacity})`,
    );
    const settlement = bound?.settlement;
    if (settlement) {
      const { workerScaling } = settlement;
      console.log(
        `  the machine's CPU allows at most: ${workerScaling.scaling}x with more workers (one worker's drain kept ` +
          `${settlement.oneWorkerBusyPercent}% busy; ` +
          `2x needs at least ${workerScaling.coresForGoal} cores), ` +
          `${settlement.linesPerSecond} lines settled/s = ${settlement.ceilingPercent}% of the DB ceiling ` +
          `(${TARGETS.capacityCeilingPercent}% needs ${settlement.coresForCeilingGoal} cores)`,
      );
    }
  }

  console.log('\nCPU and memory during the window (100% = one core):');
  const cw = [hubProcesses > 1 ? 20 : 10, 8, 6, 8];
  console.log(pad(['process', 'CPU %', 'ELU', 'RSS MB'], cw));
  for (const [name, u] of Object.entries(r.usage.processes).sort((a, b) => b[1].cpuPercent - a[1].cpuPercent)) {
    console.log(pad([label(name), u.cpuPercent, u.eventLoopUtilization ?? '', u.rssMb ?? ''], cw));
  }
  if (hubProcesses > 1) {
    console.log(
      `  hub: CPU and RSS of its ${r.usage.processes.hub?.processes ?? '?'} processes (the primary + ${hubProcesses} workers) together; ` +
        "ELU the workers' mean",
    );
  }
  console.log(
    `  machine ${r.usage.machinePercent}% of ${r.usage.cores * 100}%, outside ${r.usage.foreignPercent}%` +
      (Object.keys(r.usage.foreignProcesses).length
        ? ` (${Object.entries(r.usage.foreignProcesses)
            .map(([comm, p]) => `${comm} ${p}%`)
            .join(', ')})`
        : ''),
  );
  console.log(
    `  Redis commands per settled line: ${Object.entries(r.redisCommandsPerLine)
      .map(([cmd, n]) => `${cmd} ${n}`)
      .join(', ')}`,
  );

  console.log('\nwhere the time goes:');
  for (const note of r.whereTheTimeGoes) console.log(`  - ${note}`);
  for (const [name, profile] of Object.entries(r.profiles) as [string, HubProfile | undefined][]) {
    if (!profile) continue;
    console.log(
      `\n${label(name)} CPU profile${profileOf(profile)} (${profile.seconds} s of the same load after the window; JS thread busy ` +
        `${profile.busyPercent}% of samples; shares are % of busy samples):`,
    );
    console.log(`  by area:  ${profile.byArea.map((a) => `${a.area} ${a.percent}%`).join(' | ')}`);
    console.log(`  inside:   ${profile.inclusive.map((a) => `${a.what} ${a.percent}%`).join(' | ')}`);
    for (const f of profile.topFunctions.slice(0, 6)) console.log(`    ${String(f.percent).padStart(5)}%  ${f.fn}`);
  }

  const errorSamples = Object.entries(r.load.errorSamples);
  if (errorSamples.length) {
    console.log('\nerrors seen by the citizens (whole run):');
    for (const [message, times] of errorSamples.slice(0, 8)) console.log(`  ${times}x ${message}`);
  }
  for (const [name, logs] of Object.entries(r.childLogs)) {
    if (!logs.warnings && !logs.errors) continue;
    console.log(`\n${name} logged ${logs.warnings} warnings and ${logs.errors} errors, e.g.:`);
    for (const [message, times] of Object.entries(logs.samples).slice(0, 5)) console.log(`  ${times}x ${message}`);
  }
}
