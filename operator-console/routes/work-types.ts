/**
 * The hub's queue and audit answers (hub/operator/operator-schemas.ts) as the console reads them.
 * Amounts are paise; times are ISO strings (UTC).
 */
export interface QueueJson<T> {
  count: number;
  items: T[];
}

export interface UnknownItemJson {
  paymentId: string;
  lineId: string;
  billerId: string;
  consumerMasked: string;
  amountMinor: number;
  reference: string;
  since: string;
  ageSeconds: number;
  enquiries: number;
  nextAttemptAt?: string;
}

export interface HeldItemJson {
  kind: 'line' | 'payment';
  paymentId: string;
  lineId?: string;
  billerId?: string;
  consumerMasked?: string;
  amountMinor: number;
  currency: string;
  since: string;
  ageSeconds: number;
  reason: string;
  detail?: string;
}

export interface ReconItemJson {
  id: string;
  class: string;
  date: string;
  subject: string;
  paymentId?: string;
  lineId?: string;
  detail: string;
  resolutionError?: string;
  since: string;
  ageSeconds: number;
}

/** How a reconciliation case is closed (hub/operator/actions/close-recon-case.ts CASE_DISPOSITIONS). */
export const DISPOSITIONS = [
  { value: 'resolved', text: 'Resolved: the records agree now' },
  { value: 'explained', text: 'Explained: no money is wrong (timing, a known cause)' },
  { value: 'written_off', text: 'Written off: the difference stays, accepted' },
  { value: 'duplicate', text: 'Duplicate: another case covers it' },
] as const;

/** An age in words: "3 days", "5 hours", "12 minutes", "under a minute". */
export function ageInWords(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${name}${n === 1 ? '' : 's'}`;
  }
  return 'under a minute';
}
