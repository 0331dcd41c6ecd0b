import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { PostingBook, SandboxPosting } from './posting-book.js';

/**
 * The daily collection (MIS) file every sandbox publishes, as Indian utilities send theirs:
 * a CSV with a header row, one row per posting accepted on one IST calendar day.
 */

/** India Standard Time is UTC+05:30 all year (no daylight saving). */
const IST_OFFSET_MS = 330 * 60_000;

/** A report date: YYYY-MM-DD. */
export const reportDateSchema = z.iso.date();

/** The IST calendar date of an instant, YYYY-MM-DD. */
export const istDateOf = (ms: number): string => new Date(ms + IST_OFFSET_MS).toISOString().slice(0, 10);

export interface AcceptedPosting {
  posting: SandboxPosting;
  /** When the biller accepted it: at once, or when a pending posting was confirmed. ISO 8601. */
  acceptedAt: string;
}

/** When a posting was accepted, or undefined while it is not (pending, rejected). */
function acceptedAt(posting: SandboxPosting): string | undefined {
  if (posting.state !== 'accepted') return undefined;
  return posting.confirmAt === undefined ? posting.createdAt : new Date(posting.confirmAt).toISOString();
}

/** The postings accepted on one IST day (YYYY-MM-DD), oldest first. */
export function acceptedOn(postings: PostingBook, date: string): AcceptedPosting[] {
  return postings
    .list()
    .flatMap((posting) => {
      const at = acceptedAt(posting);
      return at && istDateOf(Date.parse(at)) === date ? [{ posting, acceptedAt: at }] : [];
    })
    .sort((a, b) => a.acceptedAt.localeCompare(b.acceptedAt));
}

/** RFC 4180 CSV with a header row (csv-stringify quotes what needs quoting). */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return stringify([header, ...rows] as (string | number)[][]);
}
