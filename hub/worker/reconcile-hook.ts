import type { SettlementLog } from '../settlement/deps.js';

/** What the `reconcile` schedule reports; the reconciliation engine fills it in. */
export interface ReconcileRunReport {
  /** The day reconciled (YYYY-MM-DD, India's date). */
  date: string;
  /** Differences found between the hub's ledger, the gateway's report and the billers' files. */
  items: number;
  /** True while this is the placeholder below, so nobody mistakes its zero for a clean reconciliation. */
  placeholder: boolean;
}

/**
 * HOOK POINT for the three-way reconciliation engine: the `reconcile` schedule of
 * hub/worker/jobs.ts calls this. It does NOT reconcile anything yet: it logs that it ran and
 * reports zero items, marked as a placeholder. Wire the engine here (same signature).
 */
export async function runReconciliation(log: SettlementLog, now = new Date()): Promise<ReconcileRunReport> {
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(now);
  log.info({ date }, 'reconcile schedule ran: reconciliation engine not wired yet (placeholder, nothing compared)');
  return { date, items: 0, placeholder: true };
}
