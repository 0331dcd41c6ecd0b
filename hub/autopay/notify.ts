import type { AutopayFailureReason } from '../notifications/events.js';
import type { AutopayCharge } from './charge-model.js';
import type { AutopayDeps } from './deps.js';

type Tell = Pick<AutopayDeps, 'notifications' | 'billerName' | 'links' | 'options'>;

const about = (deps: Tell, charge: AutopayCharge) => ({
  citizenSub: charge.citizenSub,
  chargeId: charge._id,
  reference: charge.billNumber,
  payeeName: deps.billerName(charge.billerId),
  amountMinor: charge.amountMinor,
  currency: charge.currency,
});

/** The pre-debit notice of a scheduled debit: once per debit (its dedupe key is the charge). */
export function tellPreDebit(deps: Tell, charge: AutopayCharge, chargeOn: Date) {
  return deps.notifications.notify({
    kind: 'autopay_pre_debit',
    ...about(deps, charge),
    chargeOn,
    manageUrl: deps.links.autopay(),
  });
}

/** A bill above the limit: not paid, the citizen pays it. */
export function tellOverLimit(deps: Tell, charge: AutopayCharge, limitMinor: number) {
  return deps.notifications.notify({
    kind: 'autopay_over_limit',
    ...about(deps, charge),
    limitMinor,
    payUrl: deps.links.dues(),
  });
}

/** A debit that did not pay the bill: the citizen pays it. */
export function tellChargeFailed(deps: Tell, charge: AutopayCharge, reason: AutopayFailureReason) {
  return deps.notifications.notify({
    kind: 'autopay_charge_failed',
    ...about(deps, charge),
    reason,
    payUrl: deps.links.dues(),
  });
}
