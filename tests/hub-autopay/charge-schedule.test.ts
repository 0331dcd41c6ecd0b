import { describe, expect, it } from 'vitest';
import { autopayEnvSchema, chargeTimeFor, endOfDueDate, MIN_PRE_DEBIT_NOTICE_MS } from '../../hub/autopay/index.js';

const DAY = 24 * 3_600_000;

describe('when an autopay debit may be made', () => {
  it('is the notice period after the notice, before a due date that is further off', () => {
    const noticeAt = new Date('2026-12-01T04:30:00Z'); // 10:00 IST
    expect(chargeTimeFor(noticeAt, '2026-12-10', DAY)).toEqual({
      chargeAt: new Date('2026-12-02T04:30:00Z'),
      afterDueDate: false,
    });
  });

  it('is never sooner than the notice period, even when that falls after the due date', () => {
    const noticeAt = new Date('2026-12-01T20:00:00Z'); // 01:30 IST on the due date
    const { chargeAt, afterDueDate } = chargeTimeFor(noticeAt, '2026-12-02', DAY);
    expect(chargeAt.getTime() - noticeAt.getTime()).toBe(DAY);
    expect(afterDueDate).toBe(true);
  });

  it('counts a due date to its last moment in India', () => {
    expect(endOfDueDate('2026-12-02').toISOString()).toBe('2026-12-02T18:29:59.999Z');
  });

  it('refuses a pre-debit notice period shorter than 24 hours (RBI e-mandate rule)', () => {
    expect(autopayEnvSchema.safeParse({ AUTOPAY_PRE_DEBIT_NOTICE_MS: String(DAY - 1) }).success).toBe(false);
    expect(autopayEnvSchema.parse({ AUTOPAY_PRE_DEBIT_NOTICE_MS: String(2 * DAY) }).AUTOPAY_PRE_DEBIT_NOTICE_MS).toBe(
      2 * DAY,
    );
    expect(autopayEnvSchema.parse({}).AUTOPAY_PRE_DEBIT_NOTICE_MS).toBe(MIN_PRE_DEBIT_NOTICE_MS);
  });
});
