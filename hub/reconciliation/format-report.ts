import type { ReconResult } from './run-reconciliation.js';

/** The report as an operator reads it in a terminal: counts by class, then each case. */
export function formatReport({ report, differences }: ReconResult): string {
  const lines = [
    `reconciliation ${report._id}: ${report.payments} payment(s) in ${report.durationMs} ms (run ${report.runs})`,
  ];
  for (const [name, count] of Object.entries(report.counts)) {
    if (count.found === 0) continue;
    const extra = count.resolved || count.cases ? ` (resolved ${count.resolved}, cases ${count.cases})` : '';
    lines.push(`  ${name.padEnd(22)} ${String(count.found).padStart(6)}${extra}`);
  }
  for (const error of report.sourceErrors) lines.push(`source not read: ${error}`);
  for (const d of differences.filter((x) => x.outcome === 'case')) {
    lines.push(`case ${d.class}:${d.subject}${d.caseOpened ? ' (new)' : ''}: ${d.detail}`);
  }
  lines.push(report.casesOpen > 0 ? `${report.casesOpen} case(s) open` : 'no open cases');
  return lines.join('\n');
}
