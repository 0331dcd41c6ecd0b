import { describe, expect, it } from 'vitest';
import {
  canMoveLine,
  canMovePayment,
  finalPaymentStatus,
  LINE_STATUSES,
  LINE_TRANSITIONS,
  type LineStatus,
  PAYMENT_STATUSES,
  PAYMENT_TRANSITIONS,
} from '../../hub/payments/state-machine.js';

const lines = (...statuses: LineStatus[]) => statuses.map((status) => ({ status }));

describe('the payment state machine', () => {
  it('takes the happy path and its documented side exits', () => {
    const path = ['created', 'awaiting_payment', 'captured', 'settling', 'completed'] as const;
    for (const [from, to] of path.slice(1).map((to, i) => [path[i] ?? to, to] as const)) {
      expect(canMovePayment(from, to)).toBe(true);
    }
    expect(canMovePayment('settling', 'partially_refunded')).toBe(true);
    expect(canMovePayment('captured', 'refunded')).toBe(true);
    expect(canMovePayment('awaiting_payment', 'expired')).toBe(true);
    expect(canMovePayment('created', 'failed')).toBe(true);
  });

  it('never skips capture, never leaves a final status, never goes back', () => {
    expect(canMovePayment('created', 'captured')).toBe(false);
    expect(canMovePayment('awaiting_payment', 'settling')).toBe(false);
    expect(canMovePayment('captured', 'completed')).toBe(false);
    expect(canMovePayment('captured', 'awaiting_payment')).toBe(false);
    for (const final of ['completed', 'partially_refunded', 'refunded'] as const) {
      expect(PAYMENT_TRANSITIONS[final]).toEqual([]);
    }
  });

  it('only names known statuses', () => {
    for (const targets of Object.values(PAYMENT_TRANSITIONS)) {
      for (const to of targets) expect(PAYMENT_STATUSES).toContain(to);
    }
    for (const targets of Object.values(LINE_TRANSITIONS)) {
      for (const to of targets) expect(LINE_STATUSES).toContain(to);
    }
  });
});

describe('the line state machine', () => {
  it('settles through posting, retries back to pending, and refunds only what failed', () => {
    expect(canMoveLine('pending', 'posting')).toBe(true);
    expect(canMoveLine('posting', 'settled')).toBe(true);
    expect(canMoveLine('posting', 'pending')).toBe(true);
    expect(canMoveLine('pending', 'failed')).toBe(true);
    expect(canMoveLine('posting', 'failed')).toBe(true);
    expect(canMoveLine('failed', 'refunding')).toBe(true);
    expect(canMoveLine('refunding', 'refunded')).toBe(true);
    expect(canMoveLine('pending', 'settled')).toBe(false);
    expect(canMoveLine('settled', 'refunding')).toBe(false);
    expect(canMoveLine('pending', 'refunding')).toBe(false);
    expect(LINE_TRANSITIONS.settled).toEqual([]);
    expect(LINE_TRANSITIONS.refunded).toEqual([]);
  });
});

describe("a payment's final status from its lines", () => {
  it('is completed when every line settled', () => {
    expect(finalPaymentStatus(lines('settled', 'settled'))).toBe('completed');
  });

  it('is refunded when every line was refunded', () => {
    expect(finalPaymentStatus(lines('refunded', 'refunded'))).toBe('refunded');
  });

  it('is partially_refunded when some settled and the rest were refunded', () => {
    expect(finalPaymentStatus(lines('settled', 'refunded', 'settled'))).toBe('partially_refunded');
  });

  it('is not final while any line is open, or without lines', () => {
    for (const open of ['pending', 'posting', 'failed', 'refunding'] as const) {
      expect(finalPaymentStatus(lines('settled', open))).toBeNull();
      expect(finalPaymentStatus(lines('refunded', open))).toBeNull();
    }
    expect(finalPaymentStatus([])).toBeNull();
  });
});
