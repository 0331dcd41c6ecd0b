import type { Connection } from '../../infra/mongo.js';
import { CLOSED_COMPLAINT_STATUSES, COMPLAINT_TYPES, type ComplaintType } from '../complaints/complaint-types.js';
import { type Distribution, distributionOf, ratio } from './distribution.js';
import { inWindow, type WindowBounds } from './windows.js';

/**
 * Complaint types (hub/complaints/complaint-types.ts, the one source); any other stored value is
 * counted as `other`, so the label set stays bounded.
 */
export { COMPLAINT_TYPES };
export type ComplaintTypeLabel = ComplaintType;

/** Closed statuses: a complaint answered, either way. Every other status is open (escalated included). */
const CLOSED: readonly string[] = CLOSED_COMPLAINT_STATUSES;

/** Bounds of the complaint resolution times (seconds): an hour to the 30-day worst case. */
export const RESOLVE_BUCKETS_SECONDS = [
  3_600, 14_400, 86_400, 172_800, 432_000, 604_800, 1_296_000, 2_592_000,
] as const;

/** The complaint metrics of the complaints raised in a window, as they stand now. */
export interface ComplaintMetrics {
  raised: number;
  /** Raised, by type (every type listed, 0 when none). */
  byType: Record<ComplaintTypeLabel, number>;
  /** Resolved or rejected (closedAt recorded). */
  closed: number;
  resolved: number;
  rejected: number;
  /** Still open now (open, assigned, waiting for biller, escalated). */
  open: number;
  /** Open now and past their first promised time: past the due time, or escalated (its due time renewed). */
  overdueOpen: number;
  /** Seconds from raising to closing, over the closed ones. */
  timeToResolve: Distribution;
  /**
   * Whose turnaround has been decided: closed, or open past the due time. Open complaints not yet
   * due are not counted either way.
   */
  turnaroundDecided: number;
  /** Closed at or before their due time and never escalated (an escalation is a missed promise). */
  withinTurnaround: number;
  /** withinTurnaround / turnaroundDecided; null when none is decided. */
  withinTurnaroundRate: number | null;
}

/** A complaint as this module reads it: every field checked, since the collection is another module's. */
interface ComplaintFacts {
  type: ComplaintTypeLabel;
  status: string;
  createdAt?: Date;
  closedAt?: Date;
  dueAt?: Date;
  /**
   * Escalated at least once: the first promised time passed unanswered. Escalation renews dueAt
   * (hub/complaints/escalate.ts), so without this a breach would be counted nowhere.
   */
  escalated: boolean;
  rating?: { score: number; at?: Date };
}

const dateOf = (value: unknown): Date | undefined => {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value === 'string') {
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
  }
  return undefined;
};

/** Reads one stored complaint defensively: missing or odd fields are left out, never thrown on. */
export function complaintFacts(doc: Record<string, unknown>): ComplaintFacts {
  const type = (COMPLAINT_TYPES as readonly string[]).includes(doc.type as string)
    ? (doc.type as ComplaintTypeLabel)
    : 'other';
  const rating = doc.rating as { score?: unknown; at?: unknown } | undefined;
  const score = typeof rating?.score === 'number' && rating.score >= 1 && rating.score <= 5 ? rating.score : undefined;
  return {
    type,
    status: typeof doc.status === 'string' ? doc.status : 'open',
    createdAt: dateOf(doc.createdAt),
    closedAt: dateOf(doc.closedAt),
    dueAt: dateOf(doc.dueAt),
    escalated:
      typeof (doc.escalation as { level?: unknown } | undefined)?.level === 'number'
        ? (doc.escalation as { level: number }).level > 0
        : doc.status === 'escalated',
    ...(score !== undefined ? { rating: { score, at: dateOf(rating?.at) } } : {}),
  };
}

/** The complaint metrics of one window from complaints read once (see readComplaints). */
export function complaintMetrics(complaints: readonly ComplaintFacts[], bounds: WindowBounds): ComplaintMetrics {
  const raised = complaints.filter((c) => inWindow(bounds, c.createdAt));
  const byType = Object.fromEntries(COMPLAINT_TYPES.map((t) => [t, 0])) as Record<ComplaintTypeLabel, number>;
  let resolved = 0;
  let rejected = 0;
  let open = 0;
  let overdueOpen = 0;
  let decided = 0;
  let within = 0;
  const resolveSeconds: number[] = [];
  const now = bounds.to.getTime();
  for (const c of raised) {
    byType[c.type] += 1;
    const closed = CLOSED.includes(c.status) && c.closedAt !== undefined;
    if (closed && c.closedAt && c.createdAt) {
      if (c.status === 'resolved') resolved += 1;
      else rejected += 1;
      resolveSeconds.push(Math.max(0, (c.closedAt.getTime() - c.createdAt.getTime()) / 1000));
      if (c.dueAt) {
        decided += 1;
        if (!c.escalated && c.closedAt.getTime() <= c.dueAt.getTime()) within += 1;
      }
      continue;
    }
    open += 1;
    if (c.escalated || (c.dueAt && c.dueAt.getTime() < now)) {
      overdueOpen += 1;
      decided += 1;
    }
  }
  return {
    raised: raised.length,
    byType,
    closed: resolved + rejected,
    resolved,
    rejected,
    open,
    overdueOpen,
    timeToResolve: distributionOf(resolveSeconds, RESOLVE_BUCKETS_SECONDS),
    turnaroundDecided: decided,
    withinTurnaround: within,
    withinTurnaroundRate: ratio(within, decided),
  };
}

/**
 * The complaints raised (or rated) since `from` (collection `complaints`, hub/complaints), read as plain
 * documents so an empty or missing collection, or one with fields this module does not know, is
 * no error.
 */
export async function readComplaints(conn: Connection, from: Date): Promise<ComplaintFacts[]> {
  const docs = await conn.db
    ?.collection('complaints')
    .find(
      // A rating given in the window counts even for a complaint raised before it.
      { $or: [{ createdAt: { $gte: from } }, { 'rating.at': { $gte: from } }] },
      { projection: { type: 1, status: 1, createdAt: 1, closedAt: 1, dueAt: 1, rating: 1 } },
    )
    .toArray();
  return (docs ?? []).map((doc) => complaintFacts(doc as Record<string, unknown>));
}

/** Complaint ratings given in a window (by the rating's time, else the complaint's closing). */
export function complaintRatings(complaints: readonly ComplaintFacts[], bounds: WindowBounds): number[] {
  return complaints.flatMap((c) =>
    c.rating && inWindow(bounds, c.rating.at ?? c.closedAt ?? c.createdAt) ? [c.rating.score] : [],
  );
}
