import type { DemandLine, Instalment, NewDemand } from './demand-types.js';
import { demandTotal, lineTotal } from './new-demand-rules.js';

/** The stored lines of a validated demand: each with its total (amount + tax), paise. */
export const storedLines = (demand: NewDemand): DemandLine[] =>
  demand.lines.map((line) => ({ ...line, totalMinor: lineTotal(line) }));

/**
 * The stored instalments of a validated demand, numbered from 1: its plan, or one instalment of
 * the whole total due on its due date. Every demand has at least one, so paying is always the
 * same thing: paying instalments.
 */
export function plannedInstalments(demand: NewDemand): Instalment[] {
  const plan = demand.instalments ?? [{ dueDate: demand.dueDate, amountMinor: demandTotal(demand.lines) }];
  return plan.map((p, i) => ({
    number: i + 1,
    dueDate: p.dueDate,
    amountMinor: p.amountMinor,
    status: 'open',
    paidMinor: 0,
  }));
}
