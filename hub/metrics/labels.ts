/**
 * Label values of the payment metrics, kept to bounded sets so a Prometheus series count cannot
 * grow with the data: a payment method is one of the gateway's four (hub/gateway/port.ts), `none`
 * when the gateway never named one (a checkout not paid), or `other`; a biller id is kept as is up
 * to MAX_BILLER_LABELS distinct ids (billers come from the hub's configuration), the rest `other`.
 */
export const METHOD_LABELS = ['card', 'upi', 'netbanking', 'wallet', 'none', 'other'] as const;
export type MethodLabel = (typeof METHOD_LABELS)[number];

/** More billers than any deployment configures; a guard, not a expected limit. */
export const MAX_BILLER_LABELS = 100;

/** The method label of a payment's gateway method. */
export function methodLabel(method: string | undefined | null): MethodLabel {
  if (!method) return 'none';
  return (METHOD_LABELS as readonly string[]).includes(method) ? (method as MethodLabel) : 'other';
}

/**
 * Biller labels: each id keeps its own label until MAX_BILLER_LABELS are in use, later ones are
 * `other`. One instance per computation, so the cap holds per scrape. Ids that are not plain
 * identifiers (never made by the hub) are `other` too.
 */
export class BillerLabels {
  private readonly seen = new Set<string>();

  constructor(private readonly max = MAX_BILLER_LABELS) {}

  of(billerId: string | undefined): string {
    if (!billerId || !/^[a-z0-9][a-z0-9._-]{0,62}$/i.test(billerId)) return 'other';
    if (this.seen.has(billerId)) return billerId;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(billerId);
    return billerId;
  }
}
