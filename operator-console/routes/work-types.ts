/**
 * The hub's queue and audit answers (hub/operator/operator-schemas.ts) as the console reads them:
 * the hub's own shapes (hub/operator/queues.ts), under the console's names. Amounts are paise;
 * times are ISO strings (UTC).
 */
import type { HeldItem, Queue, ReconItem, UnknownItem } from '../../hub/operator/queues.js';

/** One queue: its items, oldest first, and how many there are in all. */
export type QueueJson<T> = Queue<T>;

/** An `unknown` line of the queue. */
export type UnknownItemJson = UnknownItem;

/** A refund that needs a person: a `held` line or a `held` payment. */
export type HeldItemJson = HeldItem;

/** An open reconciliation case. */
export type ReconItemJson = ReconItem;

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
