import { describe, expect, it } from 'vitest';
import type { ComplaintView } from '../../hub/portal/api/complaint-types.js';
import { LOCALES_DIR } from '../../hub/portal/index.js';
import { answerWords } from '../../hub/portal/routes/complaint-view.js';
import { createTranslator } from '../../infra/web/i18n.js';

const translator = createTranslator(LOCALES_DIR);

/** A complaint the hub's pre-check answered at once (its reason one of the hub's stock sentences). */
const answered = (disposition: NonNullable<ComplaintView['disposition']>): ComplaintView => ({
  id: 'CMP0000000000AB',
  paymentId: 'PAY1',
  lineId: 'LIN1',
  type: 'refund_not_received',
  description: 'Where is my money?',
  status: 'resolved',
  createdAt: '2026-11-30T09:00:00.000Z',
  dueAt: '2026-12-05T09:00:00.000Z',
  closedAt: '2026-11-30T09:00:01.000Z',
  disposition,
  timeline: [],
});

const REFUNDED = {
  code: 'refunded',
  reason: 'The biller did not accept this payment, and the money was refunded to you.',
  reasonKey: 'refused_and_refunded',
  evidence: { refundReference: 'LIN2FTTDER5HSZAXRPSC23V' },
};

describe("a complaint's answer in the citizen's language", () => {
  it("says the hub's own reason in Hindi and Bengali, not in the English it was stored in", () => {
    for (const locale of ['hi', 'bn'] as const) {
      const words = answerWords(answered(REFUNDED), translator(locale));
      expect(words?.reason).not.toBe(REFUNDED.reason);
      expect(words?.reason).not.toMatch(/[A-Za-z]{3,}/);
      expect(words?.reason).toBe(translator(locale)('complaint.autoReason.refused_and_refunded'));
      expect(words?.evidence).toEqual([expect.objectContaining({ value: 'LIN2FTTDER5HSZAXRPSC23V' })]);
    }
    expect(answerWords(answered(REFUNDED), translator('en'))?.reason).toBe(REFUNDED.reason);
  });

  it("shows an operator's reason as they wrote it, and a key the portal has no words for falls back to the reason", () => {
    const operator = { code: 'amount_corrected', reason: 'The discom credited ₹50 to your next bill' };
    expect(answerWords(answered(operator), translator('hi'))?.reason).toBe(operator.reason);
    const unknownKey = { ...REFUNDED, reasonKey: 'some_future_key' };
    expect(answerWords(answered(unknownKey), translator('bn'))?.reason).toBe(REFUNDED.reason);
  });
});
