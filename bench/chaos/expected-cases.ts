import type { DrivenPayment } from './driver.js';
import type { ReconciliationSummary } from './reconciliation.js';

/**
 * What the planned partial captures came to, and which reconciliation cases they explain. A
 * partial_capture fault makes the gateway take half of the total: the hub must hold that payment
 * for an operator (README "No bill paid twice": a capture that does not match is held), and
 * reconciliation must keep an open `held_payment` case for it, so `npm run recon` exits 1 on
 * purpose. Any other open case is a difference no fault of the plan explains.
 */
export interface CaseAccount {
  /** Payments the citizens paid under a partial_capture fault. */
  partialCaptures: number;
  /** Of those, the ones the hub holds at the end (payment ids). */
  heldAsPlanned: string[];
  /** Partial captures the hub does not hold at the end: `<paymentId> <status>`. */
  notHeld: string[];
  /** Open cases other than a held_payment of a partial capture: their case keys. */
  unexplainedCases: string[];
}

/**
 * Accounts for the run's open reconciliation cases: `driven` is what the citizens did, `statusOf`
 * the hub's final status of a payment (undefined when it has none), `recon` the cases left open.
 */
export function accountForCases(
  driven: DrivenPayment[],
  statusOf: (paymentId: string) => string | undefined,
  recon: Pick<ReconciliationSummary, 'openCases'>,
): CaseAccount {
  const partial = driven.filter((p) => p.fault === 'partial_capture' && p.outcome === 'paid' && p.paymentId);
  const ids = new Set(partial.map((p) => p.paymentId as string));
  const heldAsPlanned: string[] = [];
  const notHeld: string[] = [];
  for (const id of ids) {
    const status = statusOf(id);
    if (status === 'held') heldAsPlanned.push(id);
    else notHeld.push(`${id} ${status ?? 'missing'}`);
  }
  const unexplainedCases = recon.openCases
    .filter((c) => !(c.class === 'held_payment' && c.paymentId && ids.has(c.paymentId)))
    .map((c) => c.key);
  return { partialCaptures: ids.size, heldAsPlanned, notHeld, unexplainedCases };
}
