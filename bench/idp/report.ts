import type { ReportHeader } from '../shared/report-header.js';
import type { PhaseResult } from './load.js';
import type { ProfileSummary } from './profile.js';
import type { UsageReport } from './usage.js';

export const TARGETS = { loginsPerSecond: 300, refreshesPerSecond: 2400 };

/** Above this, other load on the VM (outside this benchmark) is worth a warning. */
const FOREIGN_WARNING_PERCENT = 15;

export interface Measured extends PhaseResult {
  usage: UsageReport;
}

export type ProfileResult = ProfileSummary & { file?: string };

export interface BenchReport extends ReportHeader<typeof TARGETS> {
  logins: Measured & { meanStepMs: Record<string, number> };
  refresh: { idp: Measured; bare: Measured; ratioIdpToBare: number };
  rss: {
    where: string;
    idpIdleMb: number;
    idpAfterLoginsMb: number;
    idpAfterRefreshMb: number;
    idpPeakMb: number;
    bareIdleMb: number;
    bareAfterRefreshMb: number;
    barePeakMb: number;
  };
  profiles: { logins?: ProfileResult; refreshIdp?: ProfileResult; refreshBare?: ProfileResult };
}

const pad = (cells: (string | number)[], widths: number[]) =>
  cells
    .map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i] ?? 0) : String(cell).padStart(widths[i] ?? 0)))
    .join('  ');

export function printReport(report: BenchReport): void {
  const { logins, refresh, rss } = report;
  const widths = [24, 8, 8, 8, 7, 6, 5, 11, 8, 7, 9];
  const header = [
    'phase',
    'ops/s',
    'p50 ms',
    'p99 ms',
    'count',
    'errors',
    'users',
    'target',
    'srv CPU',
    'srv ELU',
    'srv ms/op',
  ];
  const verdict = (value: number, goal: number) => `${value >= goal ? 'met' : 'MISSED'} ${goal}`;
  const line = (name: string, r: Measured, target: string) =>
    pad(
      [
        name,
        r.perSecond,
        r.latencyMs.p50,
        r.latencyMs.p99,
        r.count,
        r.errors,
        r.concurrency,
        target,
        `${r.usage.serverPercent}%`,
        r.usage.serverEventLoopUtilization,
        r.usage.serverCpuMsPerOp,
      ],
      widths,
    );

  console.log(
    `\n=== idp benchmark — ${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}`,
  );
  console.log(`    MongoDB: ${report.services.mongo}; Redis: ${report.services.redis}`);
  console.log(
    `    load on the machine before the run (from outside this benchmark): ${report.backgroundLoadPercent}%\n`,
  );
  console.log(pad(header, widths));
  console.log(
    pad(
      header.map((h) => '-'.repeat(h.length)),
      widths,
    ),
  );
  console.log(line('OTP logins (full flow)', logins, verdict(logins.perSecond, TARGETS.loginsPerSecond)));
  console.log(line('refresh grants, idp', refresh.idp, verdict(refresh.idp.perSecond, TARGETS.refreshesPerSecond)));
  console.log(line('refresh grants, bare', refresh.bare, 'baseline'));
  console.log(`\nrefresh throughput idp / bare oidc-provider = ${refresh.ratioIdpToBare}`);
  console.log(
    'srv CPU: server process CPU, % of one core (JS thread + GC + libuv pool); srv ELU: its event-loop utilization ' +
      '(~1 = its single JS thread is the limit); srv ms/op: server CPU per completed operation.',
  );

  const phases = [
    ['logins', logins],
    ['refresh, idp', refresh.idp],
    ['refresh, bare', refresh.bare],
  ] as const;
  console.log('\nCPU during each measured window (100% = one core; outside = work not started by this benchmark):');
  const cpuWidths = [24, 8, 8, 8, 8, 9, 8, 14];
  console.log(pad(['phase', 'server', 'loadgen', 'redis', 'mongo', 'outside', 'machine', 'redis cmds/op'], cpuWidths));
  for (const [name, r] of phases) {
    const u = r.usage;
    const machine = `${u.machinePercent}/${u.cores * 100}`;
    const cells = [name, u.serverPercent, u.loadGeneratorPercent, u.redisPercent, u.mongoPercent, u.foreignPercent];
    console.log(pad([...cells, machine, u.redisCommandsPerOp], cpuWidths));
  }
  for (const [name, r] of phases) {
    const commands = Object.entries(r.usage.topRedisCommandsPerOp).map(([c, n]) => `${c} ${n}`);
    console.log(`  redis commands per op, ${name}: ${commands.join(', ')}`);
  }
  for (const [name, r] of phases) {
    if (r.usage.foreignPercent <= FOREIGN_WARNING_PERCENT) continue;
    const seen = Object.entries(r.usage.foreignProcesses).map(([comm, percent]) => `${comm} ${percent}%`);
    console.log(
      `  WARNING: during ${name}, ${r.usage.foreignPercent}% CPU went to work outside this benchmark` +
        `${seen.length ? ` (seen: ${seen.join(', ')})` : ''}; its numbers are lower than on a quiet machine.`,
    );
  }
  for (const r of [logins, refresh.idp, refresh.bare]) {
    if (r.errorSamples.length) console.log(`errors seen: ${r.errorSamples.join(' | ')}`);
  }

  console.log(`\nRSS (${rss.where}):`);
  console.log(
    `  idp:  ${rss.idpIdleMb} MB idle, ${rss.idpAfterLoginsMb} MB after logins, ${rss.idpAfterRefreshMb} MB after refreshes (peak ${rss.idpPeakMb} MB)`,
  );
  console.log(
    `  bare: ${rss.bareIdleMb} MB idle, ${rss.bareAfterRefreshMb} MB after refreshes (peak ${rss.barePeakMb} MB)`,
  );

  console.log('\nwhere a login spends its time (load generator, mean per step under load, includes queueing):');
  console.log(
    `  ${Object.entries(logins.meanStepMs)
      .map(([step, ms]) => `${step} ${ms} ms`)
      .join(' | ')}`,
  );
  for (const [name, profile] of Object.entries(report.profiles) as [string, ProfileResult | undefined][]) {
    if (!profile) continue;
    console.log(
      `\nserver CPU profile, ${name} (${profile.seconds}s extra load, not in the numbers above; JS thread busy ` +
        `${profile.busyPercent}% of samples; shares are % of busy samples):`,
    );
    console.log(`  by area:   ${profile.byArea.map((a) => `${a.area} ${a.percent}%`).join(' | ')}`);
    console.log(`  inside:    ${profile.inclusive.map((a) => `${a.what} ${a.percent}%`).join(' | ')}`);
    console.log('  top self time:');
    for (const f of profile.topFunctions.slice(0, 8)) console.log(`    ${String(f.percent).padStart(5)}%  ${f.fn}`);
    if (profile.file) console.log(`  profile: ${profile.file}`);
  }
}
