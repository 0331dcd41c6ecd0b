import type { Demand } from './demand-model.js';
import { plannedInstalments, storedLines } from './demand-plan.js';
import type { NewDemand } from './demand-types.js';
import { demandTotal } from './new-demand-rules.js';

/** Where a new demand comes from: who raised it, and for an upload, its batch and row. */
export interface DemandOrigin {
  _id: string;
  actor: string;
  /** The actor in human terms (AuditEntry.actorLabel). */
  actorLabel?: string;
  at: Date;
  /** false for an upload row until its batch is committed. */
  live: boolean;
  batchId?: string;
  batchRow?: number;
  requestHash?: string;
  /** The provider's display name (see Demand.providerName). */
  providerName?: string;
}

/** The document of a validated new demand, without its reference number (the store draws one). */
export function demandDocument(
  demand: NewDemand,
  origin: DemandOrigin,
): Omit<Demand, 'reference' | 'createdAt' | 'updatedAt'> {
  return {
    _id: origin._id,
    providerId: demand.providerId,
    ...(origin.providerName ? { providerName: origin.providerName } : {}),
    payer: demand.payer,
    title: demand.title,
    currency: 'INR',
    lines: storedLines(demand),
    totalMinor: demandTotal(demand.lines),
    dueDate: demand.dueDate,
    instalments: plannedInstalments(demand),
    ...(demand.lateFee ? { lateFee: demand.lateFee } : {}),
    ...(demand.earlyDiscount ? { earlyDiscount: demand.earlyDiscount } : {}),
    status: 'open',
    paidMinor: 0,
    payments: [],
    audit: [
      {
        at: origin.at,
        actor: origin.actor,
        ...(origin.actorLabel ? { actorLabel: origin.actorLabel } : {}),
        action: 'created',
        changes: [],
      },
    ],
    version: 0,
    live: origin.live,
    ...(origin.batchId ? { batchId: origin.batchId, batchRow: origin.batchRow } : {}),
    ...(origin.requestHash ? { requestHash: origin.requestHash } : {}),
    createdBy: origin.actor,
  };
}
