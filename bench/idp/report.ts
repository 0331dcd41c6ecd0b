import { describeMachine } from '../shared/machine.js';
import type { ScalingBound } from '../shared/machine-bound.js';
import type { ReportHeader } from '../shared/report-header.js';
import type { PhaseResult } from './load.js';
import type { PairMeasured } from './pair.js';
import type { ProfileSummary } from './profile.js';
import type { RoundFigure } from './rounds.js';
import type { UsageReport } from './usage.js';

/** The issue's goals (issue 14): throughput on 2 cores, cluster scaling, CPU and Redis commands per operation. */
export const TARGETS = {
  loginsPerSecond: 300,
  refreshesPerSecond: 2400,
  /** Logins/s with 2 processes over 1 process. */
  clusterScaling: 1.8,
  loginCpuMs: 7,
  refreshCpuMs: 1.5,
  /** Keycloak's figure on the same machine. */
  clientCredentialsCpuMs: 3.9,
  loginRedisCommands: 45,
  refreshRedisCommands: 10,
};

/** Above this, other load on the VM (outside this benchmark) is worth a warning. */
const FOREIGN_WARNING_PERCENT = 15;

export interface Measured extends PhaseResult {
  usage: UsageReport;
  /** Every round's figures, when this is a phase's median round (bench/idp/rounds.ts). */
  rounds?: RoundFigure[];
}

export type LoginsMeasured = Measured & { meanStepMs: Record<string, number> };

export type ProfileResult = ProfileSummary & { file?: string };

export interface BenchReport extends ReportHeader<typeof TARGETS> {
  logins: {
    /** New citizens: each login is a first sign-in, which registers a name. */
    oneProcess: LoginsMeasured;
    /** Citizens registered before signing in again (one process): the everyday login. */
    returning: LoginsMeasured;
    clustered: LoginsMeasured;
    processes: number;
    /** The median over rounds of clustered/one-process logins/s, each from the same round. */
    ratioClusteredToOne: number;
    ratioPerRound: number[];
    /** Two separate one-process idps, half the users each (bench/idp/pair.ts): its median round. */
    pair: PairMeasured & { rounds: number[] };
    /** Medians over rounds of pair / one process and clustered / pair logins/s. */
    ratioPairToOne: number;
    ratioClusteredToPair: number;
    pairRatiosPerRound: { pairToOne: number[]; clusteredToPair: number[] };
    /**
     * The most any number of processes could give over one process on this machine, from the
     * one-process window's CPU (bench/shared/machine-bound.ts), against the cluster-scaling goal.
     */
    machineBound?: ScalingBound;
  };
  refresh: { idp: Measured; bare: Measured; ratioIdpToBare: number; ratioPerRound: number[] };
  clientCredentials: { idp: Measured; bare: Measured; ratioIdpToBare: number; ratioPerRound: number[] };
  /** The speed probe before each round (bench/shared/speed-probe.ts), ms of CPU: lower is faster. */
  speedProbeMs: number[];
  rss: Record<string, string | number>;
  profiles: Record<string, ProfileResult | undefined>;
}

const pad = (cells: (string | number)[], widths: number[]) =>
  cells
    .map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i] ?? 0) : String(cell).padStart(widths[i] ?? 0)))
    .join('  ');

/** Every measured phase, in the order they ran, with its name in the tables. */
function phasesOf(report: BenchReport): [string, Measured][] {
  const { logins, refresh, clientCredentials } = report;
  return [
    ['logins, idp x1', logins.oneProcess],
    ['returning, idp x1', logins.returning],
    [`logins, idp x${logins.processes}`, logins.clustered],
    ['refresh, idp', refresh.idp],
    ['client creds, idp', clientCredentials.idp],
    ['refresh, bare', refresh.bare],
    ['client creds, bare', clientCredentials.bare],
  ];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

const goal = (met: boolean, text: string) => `${met ? 'met' : 'MISSED'}: ${text}`;

export function printReport(report: BenchReport): void {
  const { logins, refresh, clientCredentials: grants } = report;
  const phases = phasesOf(report);

  console.log(`\n=== idp benchmark on ${describeMachine(report.machine)} (machine as the first window opened)`);
  console.log(`    MongoDB: ${report.services.mongo}; Redis: ${report.services.redis}`);
  console.log(`    load on the machine before the run (from outside this benchmark): ${report.backgroundLoadPercent}%`);
  console.log(
    `    ${report.speedProbeMs.length} interleaved rounds; each phase shows its median round (by ops/s); ` +
      `speed probe before each round ${report.speedProbeMs.join(' / ')} ms of CPU (the same work; lower = faster)\n`,
  );

  const widths = [20, 5, 8, 7, 7, 6, 6, 5, 9, 9, 8, 10, 5, 16];
  const header = ['phase', 'procs', 'ops/s', 'p50 ms', 'p99 ms', 'count', 'errors', 'users'];
  header.push('CPU ms/op', 'srv ms/op', 'x client', 'redis/op', 'ELU', 'warm-up');
  console.log(pad(header, widths));
  console.log(
    pad(
      header.map((h) => '-'.repeat(h.length)),
      widths,
    ),
  );
  for (const [name, r] of phases) {
    const warm = r.warmup ? `${(r.warmup.ms / 1000).toFixed(0)}s ${r.warmup.stable ? 'stable' : 'UNSTABLE'}` : '-';
    const u = r.usage;
    const cells = [name, u.serverProcesses, r.perSecond, r.latencyMs.p50, r.latencyMs.p99, r.count, r.errors];
    cells.push(r.concurrency, u.cpuMsPerOp.total, u.serverCpuMsPerOp, u.cpuPerClientCpu, u.redisCommandsPerOp);
    console.log(pad([...cells, u.serverEventLoopUtilization, warm], widths));
  }
  console.log(
    'CPU ms/op: CPU of every server process (idp or bare provider processes, redis-server, MongoDB JVM) per completed ' +
      "operation; srv ms/op: the idp/bare processes alone; x client: CPU ms/op over the load generator's own CPU ms/op " +
      "(same window: it holds when the machine's speed moves, the absolute figures do not); " +
      'redis/op: Redis commands per operation (INFO commandstats); ' +
      'ELU: mean event-loop utilisation of the serving processes (~1 = their JS threads are the limit).',
  );

  console.log('\nevery round, in order (ops/s at CPU ms/op):');
  for (const [name, r] of phases) {
    const rounds = (r.rounds ?? []).map((round) => `${round.perSecond} at ${round.cpuMsPerOp}`);
    console.log(`  ${name}: ${rounds.join(' | ')}`);
  }

  console.log("\nsame-run ratios (median of the rounds' ratios, each within one round) and goals:");
  const loginCpu = logins.oneProcess.usage.cpuMsPerOp.total;
  const returningCpu = logins.returning.usage.cpuMsPerOp.total;
  const refreshCpu = refresh.idp.usage.cpuMsPerOp.total;
  const grantCpu = grants.idp.usage.cpuMsPerOp.total;
  console.log(
    `  logins/s, ${logins.processes} processes / 1 process = ${logins.ratioClusteredToOne} ` +
      `(rounds ${logins.ratioPerRound.join(', ')}; ` +
      `${goal(logins.ratioClusteredToOne >= TARGETS.clusterScaling, `>= ${TARGETS.clusterScaling}`)})`,
  );
  const bound = logins.machineBound;
  const busy = logins.oneProcess.usage;
  if (bound) {
    console.log(
      `  the most this machine allows over 1 process: ${bound.scaling}x (${busy.cores * 100}% over the ` +
        `${round1(busy.machinePercent - busy.foreignPercent)}% one process's logins kept busy), ` +
        `${bound.scalingWithoutLoadGenerator}x with the load generator's ${busy.loadGeneratorPercent}% elsewhere; ` +
        `${TARGETS.clusterScaling}x needs ${bound.coresForGoal} cores at these CPU costs per login`,
    );
  }
  const { pair } = logins;
  console.log(
    `  logins/s, 2 separate processes (half the users each: ${pair.perSecond}/s at ${pair.cpuMsPerOp.total} CPU ms, ` +
      `idp processes ${pair.cpuMsPerOp.idp}) / 1 process = ${logins.ratioPairToOne} ` +
      `(rounds ${logins.pairRatiosPerRound.pairToOne.join(', ')}); ${logins.processes} processes as a cluster / ` +
      `2 separate = ${logins.ratioClusteredToPair} (rounds ${logins.pairRatiosPerRound.clusteredToPair.join(', ')})`,
  );
  console.log(
    `  refresh/s, idp / bare oidc-provider = ${refresh.ratioIdpToBare} (rounds ${refresh.ratioPerRound.join(', ')})`,
  );
  console.log(
    `  client credentials/s, idp / bare oidc-provider = ${grants.ratioIdpToBare} ` +
      `(rounds ${grants.ratioPerRound.join(', ')})`,
  );
  console.log(
    `  CPU ms per login ${loginCpu} (${goal(loginCpu <= TARGETS.loginCpuMs, `<= ${TARGETS.loginCpuMs}`)}), ` +
      `per returning citizen's login ${returningCpu} (${goal(returningCpu <= TARGETS.loginCpuMs, `<= ${TARGETS.loginCpuMs}`)}), ` +
      `per refresh ${refreshCpu} (${goal(refreshCpu <= TARGETS.refreshCpuMs, `<= ${TARGETS.refreshCpuMs}`)}), ` +
      `per client credentials grant ${grantCpu} (${goal(grantCpu <= TARGETS.clientCredentialsCpuMs, `<= ${TARGETS.clientCredentialsCpuMs}`)})`,
  );
  const loginRedis = logins.oneProcess.usage.redisCommandsPerOp;
  const returningRedis = logins.returning.usage.redisCommandsPerOp;
  const refreshRedis = refresh.idp.usage.redisCommandsPerOp;
  console.log(
    `  Redis commands per login ${loginRedis} (${goal(loginRedis <= TARGETS.loginRedisCommands, `<= ${TARGETS.loginRedisCommands}`)}), ` +
      `per returning citizen's login ${returningRedis} (${goal(returningRedis <= TARGETS.loginRedisCommands, `<= ${TARGETS.loginRedisCommands}`)}), ` +
      `per refresh ${refreshRedis} (${goal(refreshRedis <= TARGETS.refreshRedisCommands, `<= ${TARGETS.refreshRedisCommands}`)})`,
  );
  const best = Math.max(logins.oneProcess.perSecond, logins.clustered.perSecond);
  console.log(
    `  logins/s ${best} (${goal(best >= TARGETS.loginsPerSecond, `>= ${TARGETS.loginsPerSecond}`)}), ` +
      `refreshes/s ${refresh.idp.perSecond} (${goal(refresh.idp.perSecond >= TARGETS.refreshesPerSecond, `>= ${TARGETS.refreshesPerSecond}`)})`,
  );

  console.log('\nCPU ms per operation by process (the load generator apart: it is not a server):');
  for (const [name, r] of phases) {
    const parts = Object.entries(r.usage.cpuMsPerOp.byProcess).map(([process, ms]) => `${process} ${ms}`);
    console.log(`  ${name}: ${parts.join(' | ')} || load generator ${r.usage.loadGeneratorCpuMsPerOp}`);
  }

  console.log('\nCPU during each measured window (100% = one core; outside = work not started by this benchmark):');
  const cpuWidths = [20, 8, 8, 8, 8, 9, 8];
  console.log(pad(['phase', 'server', 'loadgen', 'redis', 'mongo', 'outside', 'machine'], cpuWidths));
  for (const [name, r] of phases) {
    const u = r.usage;
    const machine = `${u.machinePercent}/${u.cores * 100}`;
    const cells = [name, u.serverPercent, u.loadGeneratorPercent, u.redisPercent, u.mongoPercent, u.foreignPercent];
    console.log(pad([...cells, machine], cpuWidths));
  }
  for (const [name, r] of phases) {
    const commands = Object.entries(r.usage.topRedisCommandsPerOp).map(([c, n]) => `${c} ${n}`);
    console.log(`  redis commands per op, ${name}: ${commands.join(', ')}`);
  }
  for (const [name, r] of phases) {
    if (r.usage.mongoOpsPerOp === 0) continue;
    const kinds = Object.entries(r.usage.mongoOpsByKindPerOp).map(([kind, n]) => `${kind} ${n}`);
    console.log(`  MongoDB operations per op, ${name}: ${r.usage.mongoOpsPerOp} (${kinds.join(', ')})`);
  }
  for (const [name, r] of phases) {
    if (r.warmup && !r.warmup.stable) {
      console.log(
        `  WARNING: ${name} never settled in its warm-up (window rates ${r.warmup.windowRates.join(', ')}/s).`,
      );
    }
    if (r.usage.foreignPercent > FOREIGN_WARNING_PERCENT) {
      const seen = Object.entries(r.usage.foreignProcesses).map(([comm, percent]) => `${comm} ${percent}%`);
      console.log(
        `  WARNING: during ${name}, ${r.usage.foreignPercent}% CPU went to work outside this benchmark` +
          `${seen.length ? ` (seen: ${seen.join(', ')})` : ''}; its throughput is lower than on a quiet machine.`,
      );
    }
    if (r.errorSamples.length) console.log(`  errors seen in ${name}: ${r.errorSamples.join(' | ')}`);
  }
  console.log('  warm-ups (ms, stable, ops/s per 2 s window):');
  for (const [name, r] of phases) {
    if (r.warmup) console.log(`    ${name}: ${r.warmup.ms} ms, ${r.warmup.stable}, ${r.warmup.windowRates.join(' ')}`);
  }

  const { where, ...sizes } = report.rss;
  console.log(`\nRSS in MB (${where}):`);
  console.log(
    `  ${Object.entries(sizes)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ')}`,
  );

  console.log('\nwhere a login spends its time (load generator, mean per step under load, includes queueing):');
  for (const [name, r] of [
    ['1 process', logins.oneProcess],
    ['1 process, returning citizens', logins.returning],
    [`${logins.processes} processes`, logins.clustered],
  ] as const) {
    const steps = Object.entries(r.meanStepMs).map(([step, ms]) => `${step} ${ms} ms`);
    console.log(`  ${name}: ${steps.join(' | ')}`);
  }
  for (const [name, profile] of Object.entries(report.profiles)) {
    if (!profile) continue;
    console.log(
      `\nserver CPU profile, ${name} (one process, ${profile.seconds}s extra load, not in the numbers above; JS thread busy ` +
        `${profile.busyPercent}% of samples; shares are % of busy samples):`,
    );
    console.log(`  by area:   ${profile.byArea.map((a) => `${a.area} ${a.percent}%`).join(' | ')}`);
    console.log(`  inside:    ${profile.inclusive.map((a) => `${a.what} ${a.percent}%`).join(' | ')}`);
    console.log('  top self time:');
    for (const f of profile.topFunctions.slice(0, 8)) console.log(`    ${String(f.percent).padStart(5)}%  ${f.fn}`);
    if (profile.file) console.log(`  profile: ${profile.file}`);
  }
}
