import { payableOn } from '../../adapters/sdk/index.js';
import { AppError } from '../../infra/errors.js';
import { findBillPayers } from '../bill-claims/index.js';
import { todayInIndia } from '../bills/indian-day.js';
import { CheckoutService } from '../checkout/checkout-service.js';
import { GatewayRejectedError, GatewayUnavailableError } from '../gateway/index.js';
import type { AutopayFailureReason } from '../notifications/events.js';
import type { Payment } from '../payments/index.js';
import type { SavedAccountDoc } from '../saved-accounts/saved-account-model.js';
import type { Autopay } from './autopay-model.js';
import { type AutopayCharge, checkoutKeyOf } from './charge-model.js';
import type { AutopayDeps } from './deps.js';
import { mandateCheckoutGateway } from './mandate-checkout-gateway.js';
import { tellChargeFailed } from './notify.js';
import { resolveUnknownCharge } from './resolve-unknown.js';

const PAGE = 100;

/** What one run did, by what became of each debit it looked at. */
export interface ChargeRunReport {
  charged: number;
  skipped: number;
  failed: number;
  unknown: number;
  resolved: number;
  /** Debits left for the next run (a biller or the gateway not answering). */
  deferred: number;
}

/**
 * The `autopay-charge` job: makes each scheduled debit whose time has come (never sooner than the
 * notice period after its pre-debit notice), hands debits a crashed run left `charging` to the
 * enquiry, and resolves unknown debits whose next enquiry is due (resolve-unknown.ts).
 */
export async function runAutopayCharges(deps: AutopayDeps, now = new Date()): Promise<ChargeRunReport> {
  const report: ChargeRunReport = { charged: 0, skipped: 0, failed: 0, unknown: 0, resolved: 0, deferred: 0 };
  const due = await deps.store.charges
    .find({ status: 'scheduled', chargeAt: { $lte: now }, noticeSentAt: { $exists: true } })
    .sort({ chargeAt: 1, _id: 1 })
    .limit(PAGE)
    .lean<AutopayCharge[]>()
    .exec();
  for (const charge of due) {
    try {
      report[await chargeOne(deps, charge, now)] += 1;
    } catch (error) {
      report.deferred += 1;
      deps.log.error({ chargeId: charge._id, err: error }, 'autopay debit failed unexpectedly; tried again next run');
    }
  }
  // A run that died between `charging` and its answer: the debit may have been made, so it is asked about.
  const stale = await deps.store.charges
    .find({ status: 'charging', updatedAt: { $lte: new Date(now.getTime() - deps.options.staleChargingMs) } })
    .limit(PAGE)
    .lean<AutopayCharge[]>()
    .exec();
  for (const charge of stale) {
    await deps.store.moveCharge(charge._id, 'charging', 'unknown', {
      enquiries: 0,
      unknownSince: now,
      nextAttemptAt: now,
    });
  }
  const unknown = await deps.store.charges
    .find({ status: 'unknown', nextAttemptAt: { $lte: now } })
    .limit(PAGE)
    .lean<AutopayCharge[]>()
    .exec();
  for (const charge of unknown) {
    if ((await resolveUnknownCharge(deps, charge, now)) !== 'unknown') report.resolved += 1;
  }
  if (due.length + unknown.length > 0) deps.log.info({ ...report }, 'autopay charges');
  return report;
}

type Outcome = 'charged' | 'skipped' | 'failed' | 'unknown' | 'deferred';

/** A scheduled debit: every check again at debit time, then the checkout on the mandate. */
async function chargeOne(deps: AutopayDeps, charge: AutopayCharge, now: Date): Promise<Outcome> {
  const noticed = charge.noticeSentAt?.getTime();
  // Belt and braces for the RBI rule: no debit sooner than the notice period after the notice.
  if (noticed === undefined || noticed + deps.options.preDebitNoticeMs > now.getTime()) return 'deferred';
  const autopay = await deps.store.findAutopay(charge.autopayId);
  if (autopay?.status !== 'active' || autopay.mandate?.mandateId !== charge.mandateId) {
    await skip(deps, charge, 'scheduled', `autopay_${autopay?.status ?? 'missing'}`);
    return 'skipped';
  }
  const mandate = await deps.gateway.getMandate(charge.mandateId).catch((error: unknown) => {
    if (error instanceof GatewayUnavailableError) return undefined;
    throw error;
  });
  if (!mandate) return 'deferred';
  if (mandate.status !== 'active') {
    await deps.store.moveAutopay(autopay._id, 'active', 'revoked', { reason: `mandate_${mandate.status}` });
    return fail(deps, charge, 'scheduled', 'mandate_inactive');
  }
  const account = await deps.accounts.findById(charge.accountId).lean<SavedAccountDoc>().exec();
  if (!account) {
    await skip(deps, charge, 'scheduled', 'account_removed');
    return 'skipped';
  }
  const checked = await billStillDue(deps, charge, account);
  if (checked === 'deferred') return 'deferred';
  if (checked !== 'due') {
    await skip(deps, charge, 'scheduled', checked);
    if (checked === 'bill_changed') await tellChargeFailed(deps, charge, 'bill_changed');
    return 'skipped';
  }
  const charging = await deps.store.moveCharge(charge._id, 'scheduled', 'charging');
  if (!charging) return 'deferred'; // another run took it
  return debit(deps, charging, autopay, now);
}

/** Whether the noticed bill is still the account's current bill, unpaid, at the noticed amount. */
async function billStillDue(
  deps: AutopayDeps,
  charge: AutopayCharge,
  account: SavedAccountDoc,
): Promise<'due' | 'paid' | 'bill_replaced' | 'bill_changed' | 'deferred'> {
  if ((await findBillPayers(deps.payments.model, [charge.billKey])).length > 0) return 'paid';
  let bill: Awaited<ReturnType<AutopayDeps['bills']['fetch']>>['bill'];
  try {
    ({ bill } = await deps.bills.fetch(account.billerId, account.consumer, { fresh: true }));
  } catch {
    return 'deferred';
  }
  if (bill.billNumber !== charge.billNumber) return 'bill_replaced';
  if (payableOn(bill, todayInIndia()) !== charge.amountMinor) return 'bill_changed';
  return 'due';
}

/**
 * The debit: a checkout of the one bill through the existing checkout (so the payment, its bill
 * claim, settlement, ledger, receipt and refunds are those of any checkout), whose gateway order
 * is a charge on the mandate. Idempotency key = the debit's id, so a re-run resumes one payment.
 */
async function debit(deps: AutopayDeps, charge: AutopayCharge, autopay: Autopay, now: Date): Promise<Outcome> {
  const checkout = new CheckoutService(
    deps.payments,
    deps.bills,
    mandateCheckoutGateway(deps.gateway, charge.mandateId),
    deps.checkout,
    { capture: deps.capture },
  );
  const key = checkoutKeyOf(charge._id);
  let payment: Payment;
  try {
    const made = await checkout.checkout(charge.citizenSub, key, {
      lines: [{ accountId: charge.accountId, billNumber: charge.billNumber, amountMinor: charge.amountMinor }],
    });
    payment = made.payment;
  } catch (error) {
    return debitRefused(deps, charge, error, now);
  }
  await deps.store.moveCharge(charge._id, 'charging', 'charged', { paymentId: payment._id });
  // The webhook may come before the order was recorded: ask the gateway now, as a webhook would.
  const synced = await deps.capture.sync((await deps.payments.findById(payment._id)) ?? payment);
  if (synced.status === 'failed') {
    await deps.store.moveCharge(charge._id, 'charged', 'failed', { reason: 'declined' });
    await tellChargeFailed(deps, charge, 'declined');
    return 'failed';
  }
  deps.log.info({ chargeId: charge._id, paymentId: payment._id, autopayId: autopay._id }, 'autopay debit made');
  return 'charged';
}

/** What a checkout's refusal means for the debit; an ambiguous gateway answer is an unknown outcome. */
async function debitRefused(deps: AutopayDeps, charge: AutopayCharge, error: unknown, now: Date): Promise<Outcome> {
  const payment = await deps.payments.model
    .findOne({ citizenSub: charge.citizenSub, idempotencyKey: checkoutKeyOf(charge._id) }, { _id: 1 })
    .lean<{ _id: string }>()
    .exec();
  if (error instanceof GatewayUnavailableError) {
    // The mandate may have been debited: ask the gateway later; never refund or debit again on a guess.
    await deps.store.moveCharge(charge._id, 'charging', 'unknown', {
      ...(payment ? { paymentId: payment._id } : {}),
      enquiries: 0,
      unknownSince: now,
      nextAttemptAt: new Date(now.getTime() + deps.options.enquiryDelayMs),
      reason: 'gateway_unavailable',
    });
    deps.log.warn({ chargeId: charge._id, err: error }, 'autopay debit outcome unknown: the gateway will be asked');
    return 'unknown';
  }
  if (error instanceof GatewayRejectedError) {
    const reason: AutopayFailureReason = error.gatewayCode === 'mandate_not_active' ? 'mandate_inactive' : 'declined';
    return fail(deps, charge, 'charging', reason, payment?._id);
  }
  if (error instanceof AppError) {
    if (['bill_already_paid', 'bill_payment_pending', 'checkout_superseded'].includes(error.code)) {
      await skip(deps, charge, 'charging', 'paid');
      return 'skipped';
    }
    if (error.code === 'bill_changed' || error.code === 'amount_not_allowed') {
      await skip(deps, charge, 'charging', 'bill_changed');
      await tellChargeFailed(deps, charge, 'bill_changed');
      return 'skipped';
    }
  }
  // A biller or a contended claim: nothing was debited (the gateway was not reached); try again next run.
  await deps.store.moveCharge(charge._id, 'charging', 'scheduled', payment ? { paymentId: payment._id } : {});
  deps.log.warn({ chargeId: charge._id, err: error }, 'autopay debit deferred');
  return 'deferred';
}

async function skip(deps: AutopayDeps, charge: AutopayCharge, from: 'scheduled' | 'charging', reason: string) {
  await deps.store.moveCharge(charge._id, from, 'skipped', { reason });
}

async function fail(
  deps: AutopayDeps,
  charge: AutopayCharge,
  from: 'scheduled' | 'charging',
  reason: AutopayFailureReason,
  paymentId?: string,
): Promise<Outcome> {
  const moved = await deps.store.moveCharge(charge._id, from, 'failed', {
    reason,
    ...(paymentId ? { paymentId } : {}),
  });
  if (moved) await tellChargeFailed(deps, charge, reason);
  return 'failed';
}
