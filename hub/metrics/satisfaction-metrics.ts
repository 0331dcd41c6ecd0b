import type { Connection } from '../../infra/mongo.js';
import { type PaymentFeedback, paymentFeedbackModel } from '../feedback/feedback-model.js';
import type { BillerLabels, MethodLabel } from './labels.js';
import { methodLabel } from './labels.js';
import { inWindow, type WindowBounds } from './windows.js';

/** Scores 1..5 given in a window. */
export interface ScoreStats {
  count: number;
  /** Mean score; null when none was given. */
  average: number | null;
  /** How many of each score, 1 to 5. */
  byScore: Record<'1' | '2' | '3' | '4' | '5', number>;
}

export interface PaymentSatisfactionGroup extends ScoreStats {
  billerId: string;
  method: MethodLabel;
}

/**
 * Post-payment satisfaction (hub/feedback) and complaint resolution ratings (hub/complaints),
 * reported apart: one scores the payment, the other how a complaint was handled.
 */
export interface SatisfactionMetrics {
  /** Feedback given in the window, all payments. */
  payments: ScoreStats;
  /**
   * By biller and method: a payment of several billers counts its score once for each of its
   * billers, so these do not add up to the totals.
   */
  paymentsByBillerAndMethod: PaymentSatisfactionGroup[];
  /** Complaint ratings given in the window. */
  complaints: ScoreStats;
}

/** Count, mean and histogram of scores. */
export function scoreStats(scores: readonly number[]): ScoreStats {
  const byScore = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const s of scores) {
    const key = String(s) as keyof typeof byScore;
    if (key in byScore) byScore[key] += 1;
  }
  return {
    count: scores.length,
    average: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    byScore,
  };
}

type FeedbackFacts = Pick<PaymentFeedback, 'score' | 'at' | 'method' | 'billerIds'>;

/** The satisfaction metrics of one window, from feedback and complaint ratings read once. */
export function satisfactionMetrics(
  feedback: readonly FeedbackFacts[],
  complaintScores: readonly number[],
  bounds: WindowBounds,
  billers: BillerLabels,
): SatisfactionMetrics {
  const given = feedback.filter((f) => inWindow(bounds, new Date(f.at)));
  const groups = new Map<string, { billerId: string; method: MethodLabel; scores: number[] }>();
  for (const f of given) {
    const method = methodLabel(f.method);
    for (const id of new Set((f.billerIds ?? []).map((b) => billers.of(b)))) {
      const key = `${id}\u0000${method}`;
      const group = groups.get(key) ?? { billerId: id, method, scores: [] };
      group.scores.push(f.score);
      groups.set(key, group);
    }
  }
  return {
    payments: scoreStats(given.map((f) => f.score)),
    paymentsByBillerAndMethod: [...groups.values()]
      .sort((a, b) => a.billerId.localeCompare(b.billerId) || a.method.localeCompare(b.method))
      .map(({ billerId, method, scores }) => ({ billerId, method, ...scoreStats(scores) })),
    complaints: scoreStats(complaintScores),
  };
}

/** The feedback given since `from` (collection payment_feedback). */
export function readFeedback(conn: Connection, from: Date): Promise<FeedbackFacts[]> {
  return paymentFeedbackModel(conn)
    .find({ at: { $gte: from } }, { score: 1, at: 1, method: 1, billerIds: 1 })
    .lean<FeedbackFacts[]>()
    .exec();
}
