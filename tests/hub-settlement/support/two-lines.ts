import type { Payment, PaymentLine } from '../../../hub/payments/payment-model.js';
import type { LineRun } from '../../../hub/settlement/line-step.js';
import type { Harness, LineSpec } from '../harness.js';

/**
 * Makes a settling payment of the two lines `specs` (captured and moved to settling, no job
 * enqueued) and returns it, its two lines, and `run(lineId)`: one run of that line's job with no
 * polls yet, on its last attempt or not as `lastAttempt` says.
 */
export async function twoLinePayment(
  h: Harness,
  specs: [LineSpec, LineSpec],
  lastAttempt: boolean,
): Promise<{ payment: Payment; first: PaymentLine; second: PaymentLine; run: (lineId: string) => LineRun }> {
  const payment = await h.settlingPayment(specs);
  const [first, second] = payment.lines;
  if (!first || !second) throw new Error('two lines expected');
  const run = (lineId: string): LineRun => ({ paymentId: payment._id, lineId, polls: 0, lastAttempt });
  return { payment, first, second, run };
}
