import { GatewayUnavailableError } from '../gateway/index.js';
import type { Payment } from '../payments/index.js';
import { type AutopayCharge, checkoutKeyOf } from './charge-model.js';
import type { AutopayDeps } from './deps.js';
import { tellChargeFailed } from './notify.js';

/** Payment statuses that say the debit's capture has been applied already. */
const CAPTURED = ['captured', 'settling', 'completed', 'partially_refunded', 'refunded', 'held'];

/**
 * Resolves a debit whose answer was ambiguous by asking the gateway for the charge made for its
 * payment (findMandateCharge), never by charging again and never by refunding:
 * - a charge found: its order is recorded on the payment and applied as any capture (a late
 *   capture of an expired payment included), and the debit is `charged`; a charge that failed is
 *   `failed`, and the citizen told;
 * - the gateway says there is none (only asked after AUTOPAY_ENQUIRY_DELAY_MS, longer than any
 *   call can stay in flight): nothing was debited, the debit is `failed` (`not_charged`) and the
 *   citizen told to pay it;
 * - no answer: asked again, waiting twice as long each time; after AUTOPAY_ENQUIRY_GIVE_UP_MS it
 *   stays unknown for reconciliation and an operator.
 * Returns the debit's status afterwards.
 */
export async function resolveUnknownCharge(
  deps: AutopayDeps,
  charge: AutopayCharge,
  now = new Date(),
): Promise<AutopayCharge['status']> {
  const payment = charge.paymentId
    ? await deps.payments.findById(charge.paymentId)
    : await deps.payments.model
        .findOne({ citizenSub: charge.citizenSub, idempotencyKey: checkoutKeyOf(charge._id) })
        .lean<Payment>()
        .exec();
  if (!payment) {
    // The checkout never stored a payment, so no charge can carry its id: nothing was debited.
    return notCharged(deps, charge);
  }
  if (CAPTURED.includes(payment.status)) return charged(deps, charge, payment._id);
  let order: Awaited<ReturnType<AutopayDeps['gateway']['findMandateCharge']>>;
  try {
    order = await deps.gateway.findMandateCharge(charge.mandateId, payment._id);
  } catch (error) {
    if (!(error instanceof GatewayUnavailableError)) throw error;
    return askAgainLater(deps, charge, now);
  }
  if (!order) return notCharged(deps, charge, payment._id);
  await recordOrder(deps, payment, order.orderId);
  const applied = await deps.capture.apply((await deps.payments.findById(payment._id)) ?? payment, order);
  if (order.status === 'failed' || applied.status === 'failed') {
    const moved = await deps.store.moveCharge(charge._id, 'unknown', 'failed', {
      paymentId: payment._id,
      reason: 'declined',
    });
    if (moved) await tellChargeFailed(deps, charge, 'declined');
    return 'failed';
  }
  return charged(deps, charge, payment._id);
}

/** The charge's order on its payment, as the checkout would have recorded it had the answer arrived. */
async function recordOrder(deps: AutopayDeps, payment: Payment, orderId: string): Promise<void> {
  if (payment.gateway?.orderId) return;
  const moved = await deps.payments.transitionPayment(payment._id, 'created', 'awaiting_payment', 'order_created', {
    gateway: { orderId },
  });
  if (moved) return;
  // Expired (or otherwise moved) meanwhile: the order is still recorded, so its capture finds the payment.
  await deps.payments.model
    .updateOne({ _id: payment._id, 'gateway.orderId': { $exists: false } }, { $set: { 'gateway.orderId': orderId } })
    .exec();
}

async function charged(deps: AutopayDeps, charge: AutopayCharge, paymentId: string) {
  await deps.store.moveCharge(charge._id, 'unknown', 'charged', { paymentId }, ['nextAttemptAt']);
  return 'charged' as const;
}

async function notCharged(deps: AutopayDeps, charge: AutopayCharge, paymentId?: string) {
  const moved = await deps.store.moveCharge(
    charge._id,
    'unknown',
    'failed',
    { reason: 'not_charged', ...(paymentId ? { paymentId } : {}) },
    ['nextAttemptAt'],
  );
  if (moved) await tellChargeFailed(deps, charge, 'not_charged');
  return 'failed' as const;
}

/** The next enquiry, twice as far off each time; none after the give-up time (an operator's then). */
async function askAgainLater(deps: AutopayDeps, charge: AutopayCharge, now: Date) {
  const { enquiryDelayMs, enquiryGiveUpMs } = deps.options;
  const enquiries = charge.enquiries + 1;
  const wait = Math.min(enquiryDelayMs * 2 ** enquiries, 3_600_000);
  const giveUp = (charge.unknownSince ?? charge.updatedAt).getTime() + enquiryGiveUpMs <= now.getTime();
  await deps.store.charges
    .updateOne(
      { _id: charge._id, status: 'unknown', enquiries: charge.enquiries },
      giveUp
        ? { $set: { enquiries, reason: 'unresolved' }, $unset: { nextAttemptAt: '' } }
        : { $set: { enquiries, nextAttemptAt: new Date(now.getTime() + wait) } },
    )
    .exec();
  return 'unknown' as const;
}
