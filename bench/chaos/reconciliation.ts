import type { Connection } from 'mongoose';
import type { ClassCounts, ReconCase, ReconReport } from '../../hub/reconciliation/index.js';
import { runScript } from './tools.js';

/** One day's `npm run recon -- --date <day>` as the run saw it, with the report it stored. */
export interface ReconDay {
  /** The IST day reconciled, YYYY-MM-DD. */
  date: string;
  /** The script exited 0 (it exits 1 while cases are open or a biller's file was not read). */
  ok: boolean;
  /** From the stored report (recon_reports); absent when the script stored none. */
  payments?: number;
  /** Per class with something found: found, resolved automatically, left as a case. */
  counts?: ClassCounts;
  casesOpened?: number;
  casesOpen?: number;
  sourceErrors?: string[];
  /** The script's last lines, when it failed. */
  outputTail?: string;
}

/** Reconciliation after a chaos run: each day's run, and the operator cases open at the end. */
export interface ReconciliationSummary {
  ran: boolean;
  ok?: boolean;
  /** Why it did not run, when it did not. */
  note: string;
  days: ReconDay[];
  /** Open cases in recon_cases after every day ran, by class. */
  openCasesByClass: Record<string, number>;
  /** The same open cases one by one: `<class>:<subject>` (the case key) and the payment named. */
  openCases: { key: string; class: string; paymentId?: string }[];
}

/**
 * Runs `npm run recon -- --date <day>` for each of `days` against the run's database (`env` is the
 * hub's environment), reads back the report each stored (recon_reports, by day) and counts the
 * open cases (recon_cases) at the end. Never throws for a failed script: it is reported.
 */
export async function reconcileDays(
  conn: Connection,
  days: string[],
  env: Record<string, string>,
  log: (line: string) => void,
): Promise<ReconciliationSummary> {
  const summary: ReconciliationSummary = { ran: false, note: '', days: [], openCasesByClass: {}, openCases: [] };
  const db = conn.getClient().db(conn.name);
  for (const date of days) {
    const run = await runScript('recon', ['--date', date], env);
    if (!run.available) {
      summary.note = 'skipped: there is no `npm run recon` script on this branch';
      return summary;
    }
    summary.ran = true;
    summary.ok = (summary.ok ?? true) && run.ok;
    const report = await db.collection<ReconReport>('recon_reports').findOne({ _id: date });
    const day: ReconDay = { date, ok: run.ok };
    if (report) {
      day.payments = report.payments;
      day.counts = Object.fromEntries(Object.entries(report.counts).filter(([, count]) => count.found > 0));
      day.casesOpened = report.casesOpened;
      day.casesOpen = report.casesOpen;
      day.sourceErrors = report.sourceErrors;
    }
    if (!run.ok) {
      day.outputTail = run.output.split('\n').slice(-10).join('\n');
      log(`recon --date ${date} exited non-zero:\n${day.outputTail}`);
    }
    summary.days.push(day);
  }
  const open = await db.collection<ReconCase>('recon_cases').find({ status: 'open' }).toArray();
  for (const c of open) {
    summary.openCasesByClass[c.class] = (summary.openCasesByClass[c.class] ?? 0) + 1;
    summary.openCases.push({ key: c._id, class: c.class, ...(c.paymentId ? { paymentId: c.paymentId } : {}) });
  }
  return summary;
}

/** One line per run: each day's counts by class (found, resolved, cases), cases opened and open. */
export function formatReconciliation(summary: ReconciliationSummary): string {
  if (!summary.ran) return summary.note;
  const days = summary.days.map((day) => {
    if (day.payments === undefined) return `${day.date}: ${day.ok ? 'ran' : 'FAILED'}, no report stored`;
    const classes = Object.entries(day.counts ?? {})
      .map(
        ([name, c]) =>
          `${name} ${c.found}${c.resolved || c.cases ? ` (resolved ${c.resolved}, cases ${c.cases})` : ''}`,
      )
      .join(', ');
    const errors = day.sourceErrors?.length ? `; sources not read: ${day.sourceErrors.join(', ')}` : '';
    return `${day.date}: ${day.payments} payments; ${classes || 'nothing found'}; cases opened ${day.casesOpened}, open ${day.casesOpen}${errors}${day.ok ? '' : ' (exit non-zero)'}`;
  });
  const open = Object.entries(summary.openCasesByClass);
  const cases = open.length ? `open cases: ${open.map(([k, n]) => `${k} ${n}`).join(', ')}` : 'no open cases';
  return `${days.join(' | ')} | ${cases}`;
}
