import { payableOn } from '../../adapters/sdk/index.js';
import { ConflictError } from '../../infra/errors.js';
import { findBillPayers } from '../bill-claims/index.js';
import { todayInIndia } from '../bills/indian-day.js';
import { billKeyOf } from '../payments/index.js';
import type { SavedAccountDoc } from '../saved-accounts/saved-account-model.js';
import type { Autopay } from './autopay-model.js';
import type { AutopayService } from './autopay-service.js';
import { type AutopayCharge, newChargeId } from './charge-model.js';
import { chargeTimeFor } from './charge-schedule.js';
import type { AutopayDeps } from './deps.js';
import { tellOverLimit, tellPreDebit } from './notify.js';

const PAGE = 100;

/** What one scan did. */
export interface ScanReport {
  /** Pending approvals the gateway decided meanwhile (approved or not). */
  approvalsFollowed: number;
  revokesConfirmed: number;
  noticed: number;
  overLimit: number;
  /** Bills with a debit already on record (a re-run), or paid (or being paid) already. */
  alreadyHandled: number;
  /** Accounts whose bill could not be fetched this time (tried again next run). */
  unreachable: number;
  /** Autopays skipped this run by an unexpected error (logged; tried again next run). */
  failed: number;
}

/**
 * The `autopay-scan` job: follows pending approvals (an approval without the citizen coming back),
 * retries unconfirmed revokes, then fetches the current bill of every account with autopay active.
 * A new unpaid bill within the limit gets its debit scheduled and its pre-debit notice now; one
 * above the limit is recorded `over_limit` and the citizen told. The debit record is unique per
 * bill and mandate, so a re-run (or two replicas) notices and debits each bill once.
 */
export async function scanAutopayBills(
  deps: AutopayDeps,
  service: AutopayService,
  now = new Date(),
): Promise<ScanReport> {
  const report: ScanReport = {
    approvalsFollowed: 0,
    revokesConfirmed: await service.retryRevokes(),
    noticed: 0,
    overLimit: 0,
    alreadyHandled: 0,
    unreachable: 0,
    failed: 0,
  };
  // One autopay's failure (its mandate unreadable, its bill odd) is logged and counted, and never
  // holds back the others: the next run tries it again.
  const each = async (autopay: Autopay, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      report.failed += 1;
      deps.log.warn({ autopayId: autopay._id, err: error }, 'autopay scan: this autopay skipped until the next run');
    }
  };
  for await (const autopay of pages(deps, 'pending_approval')) {
    await each(autopay, async () => {
      if ((await service.refresh(autopay)).status !== 'pending_approval') report.approvalsFollowed += 1;
    });
  }
  for await (const autopay of pages(deps, 'active')) {
    await each(autopay, async () => {
      const current = await service.refresh(autopay);
      if (current.status !== 'active' || !current.mandate) return;
      await scanOne(deps, service, current, report, now);
    });
  }
  // Debits whose notice was recorded but never went out (a crash in between) are told now.
  const untold = await deps.store.charges
    .find({ status: 'scheduled', noticeSentAt: { $exists: false } })
    .limit(PAGE)
    .lean<AutopayCharge[]>()
    .exec();
  for (const charge of untold) await sendNotice(deps, charge, now);
  if (report.noticed + report.overLimit > 0) deps.log.info({ ...report }, 'autopay scan');
  return report;
}

async function* pages(deps: AutopayDeps, status: Autopay['status']): AsyncGenerator<Autopay> {
  let after: string | undefined;
  for (;;) {
    const page = await deps.store.autopays
      .find({ status, ...(after ? { _id: { $gt: after } } : {}) })
      .sort({ _id: 1 })
      .limit(PAGE)
      .lean<Autopay[]>()
      .exec();
    yield* page;
    after = page.at(-1)?._id;
    if (page.length < PAGE || !after) return;
  }
}

async function scanOne(
  deps: AutopayDeps,
  service: AutopayService,
  autopay: Autopay,
  report: ScanReport,
  now: Date,
): Promise<void> {
  const mandateId = autopay.mandate?.mandateId as string;
  const account = await deps.accounts.findById(autopay.accountId).lean<SavedAccountDoc>().exec();
  if (!account) {
    // The citizen removed the saved account: its autopay ends and the mandate is revoked.
    const ended = await deps.store.moveAutopay(autopay._id, 'active', 'cancelled', { reason: 'account_removed' });
    if (ended) await service.revoke(ended);
    return;
  }
  let fetched: Awaited<ReturnType<AutopayDeps['bills']['fetch']>>;
  try {
    fetched = await deps.bills.fetch(account.billerId, account.consumer);
  } catch (error) {
    report.unreachable += 1;
    deps.log.warn({ autopayId: autopay._id, err: error }, 'autopay scan: bill not fetched');
    return;
  }
  const { bill } = fetched;
  const billKey = billKeyOf({ billerId: account.billerId, consumer: fetched.consumer, billNumber: bill.billNumber });
  if (bill.amountDueMinor <= 0) return;
  const [known, payers] = await Promise.all([
    deps.store.charges.exists({ mandateId, billKey }),
    findBillPayers(deps.payments.model, [billKey]),
  ]);
  if (known || payers.length > 0) {
    report.alreadyHandled += 1;
    return;
  }
  const { chargeAt, afterDueDate } = chargeTimeFor(now, bill.dueDate, deps.options.preDebitNoticeMs);
  // What the bill costs on the day of the debit (an early-payment rebate or a late fee applied).
  const amountMinor = payableOn(bill, todayInIndia(chargeAt));
  const overLimit = amountMinor > autopay.limitMinor;
  const charge: AutopayCharge = {
    _id: newChargeId(),
    autopayId: autopay._id,
    mandateId,
    citizenSub: autopay.citizenSub,
    accountId: account._id,
    billerId: account.billerId,
    billKey,
    billNumber: bill.billNumber,
    amountMinor,
    currency: bill.currency,
    dueDate: bill.dueDate,
    status: overLimit ? 'over_limit' : 'scheduled',
    chargeAt,
    ...(afterDueDate ? { afterDueDate } : {}),
    enquiries: 0,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await deps.store.charges.create(charge);
  } catch (error) {
    // Another run recorded this bill first: it tells the citizen, not this one.
    if (error instanceof ConflictError) {
      report.alreadyHandled += 1;
      return;
    }
    throw error;
  }
  if (overLimit) {
    await tellOverLimit(deps, charge, autopay.limitMinor);
    report.overLimit += 1;
    return;
  }
  await sendNotice(deps, charge, now);
  report.noticed += 1;
}

/**
 * Sends a scheduled debit's pre-debit notice and records when: the debit is never made sooner than
 * the notice period after that record, so a notice told late moves the debit later, never earlier.
 */
async function sendNotice(deps: AutopayDeps, charge: AutopayCharge, now: Date): Promise<void> {
  const earliest = new Date(now.getTime() + deps.options.preDebitNoticeMs);
  const chargeAt = charge.chargeAt.getTime() >= earliest.getTime() ? charge.chargeAt : earliest;
  await tellPreDebit(deps, charge, chargeAt);
  await deps.store.charges
    .updateOne(
      { _id: charge._id, status: 'scheduled', noticeSentAt: { $exists: false } },
      { $set: { noticeSentAt: now, chargeAt } },
    )
    .exec();
}
