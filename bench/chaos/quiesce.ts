import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from 'mongoose';
import { readPayments } from './checker.js';

/** Line states with automatic work still to come. */
const OPEN_LINES = new Set(['pending', 'posting', 'failed', 'refunding', 'unknown']);
const OPEN_PAYMENTS = new Set(['captured', 'settling']);

export interface Quiescence {
  waitedMs: number;
  /** Why the wait ended. */
  reason: 'all final' | 'quiet' | 'limit';
}

/**
 * Waits until the payments stop moving: every payment out of captured/settling with no line that
 * has work left, a held payment's lines aside ('all final'), or nothing changed in any payment for `quietMs` ('quiet'), or
 * `limitMs` passed ('limit'). Reads the payments collection only.
 */
export async function waitForQuiescence(conn: Connection, quietMs: number, limitMs: number): Promise<Quiescence> {
  const started = Date.now();
  let fingerprint = '';
  let changedAt = Date.now();
  while (true) {
    const payments = await readPayments(conn);
    const now = Date.now();
    const next = payments
      .map((p) => `${p._id}:${p.status}:${p.lines.map((l) => l.status).join(',')}:${p.timeline.length}`)
      .sort()
      .join(';');
    if (next !== fingerprint) {
      fingerprint = next;
      changedAt = now;
    }
    // A held payment waits for an operator: its lines have no automatic work to come.
    const open = payments.some(
      (p) => OPEN_PAYMENTS.has(p.status) || (p.status !== 'held' && p.lines.some((l) => OPEN_LINES.has(l.status))),
    );
    // A paid order whose webhook is still on its way shows as awaiting_payment: give it the quiet time.
    const awaiting = payments.some((p) => p.status === 'awaiting_payment' || p.status === 'created');
    if (!open && !awaiting) return { waitedMs: now - started, reason: 'all final' };
    if (now - changedAt >= quietMs) return { waitedMs: now - started, reason: 'quiet' };
    if (now - started >= limitMs) return { waitedMs: now - started, reason: 'limit' };
    await sleep(500);
  }
}
