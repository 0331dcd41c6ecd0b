import { AppError, ConflictError, NotFoundError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import {
  GatewayRejectedError,
  GatewayUnavailableError,
  type MandateGateway,
  type MandateStatus,
} from '../gateway/index.js';
import { findOwnedAccount } from '../saved-accounts/find-owned-account.js';
import type { SavedAccountModel } from '../saved-accounts/saved-account-model.js';
import { type Autopay, type AutopayStatus, newAutopayId } from './autopay-model.js';
import type { AutopayStore } from './autopay-store.js';
import type { AutopayOptions } from './options.js';

const DAY_MS = 24 * 3_600_000;

export interface AutopayServiceDeps {
  store: AutopayStore;
  gateway: MandateGateway;
  accounts: SavedAccountModel;
  options: AutopayOptions;
  /** Where the gateway's approval page sends the citizen back (the portal's /autopay/return). */
  returnUrl: string;
  log: Pick<Logger, 'info' | 'warn'>;
}

/** What the gateway's mandate status means for a live autopay: its next status, and why; undefined when nothing changes. */
function followMandate(
  status: AutopayStatus,
  mandate: MandateStatus,
): { to: AutopayStatus; reason: string } | undefined {
  if (status === 'pending_approval') {
    if (mandate === 'active') return { to: 'active', reason: 'approved' };
    if (mandate === 'declined' || mandate === 'expired' || mandate === 'revoked')
      return { to: 'failed', reason: mandate };
    return undefined;
  }
  if ((status === 'active' || status === 'paused') && (mandate === 'revoked' || mandate === 'expired')) {
    return { to: 'revoked', reason: `mandate_${mandate}` };
  }
  return undefined;
}

/**
 * The gateway answered that it holds no such mandate (it lost it, or it was never made): for the
 * hub that mandate can neither debit nor be revoked any more, as good as revoked.
 */
export function isMandateGone(error: unknown): boolean {
  return error instanceof GatewayRejectedError && error.gatewayCode === 'mandate_not_found';
}

/**
 * A citizen's autopays: turn one on for a saved account (a mandate at the gateway, approved on its
 * hosted page), follow the approval, pause, resume and cancel. Every change of state is one
 * conditional update (AutopayStore); an id that is unknown or another citizen's is a 404 alike.
 */
export class AutopayService {
  constructor(private readonly deps: AutopayServiceDeps) {}

  /** The citizen's autopays, newest first. */
  list(citizenSub: string): Promise<Autopay[]> {
    return this.deps.store.listAutopays(citizenSub);
  }

  /** The citizen's own autopay; NotFoundError (404) otherwise. */
  async get(citizenSub: string, id: string): Promise<Autopay> {
    const found = await this.deps.store.findOwnAutopay(citizenSub, id);
    if (!found) throw new NotFoundError(`no autopay ${id}`);
    return found;
  }

  /**
   * Turns autopay on for the citizen's saved account with a limit in paise: the autopay waits for
   * approval, with the gateway's approval URL to send the citizen to. Throws 404 (no such account
   * of theirs), 422 `limit_not_allowed` (not 1 paisa to AUTOPAY_MAX_LIMIT_MINOR), 409
   * `autopay_exists` (the account has a live autopay), GatewayUnavailableError (503, try again:
   * this autopay has failed, a new request makes a new one).
   */
  async turnOn(citizenSub: string, accountId: string, limitMinor: number, now = new Date()): Promise<Autopay> {
    const { maxLimitMinor, mandateValidityDays } = this.deps.options;
    if (!Number.isSafeInteger(limitMinor) || limitMinor < 1 || limitMinor > maxLimitMinor) {
      throw new AppError(422, 'limit_not_allowed', `the limit must be 1 to ${maxLimitMinor} paise`, {
        maxLimitMinor,
      });
    }
    const account = await findOwnedAccount(this.deps.accounts, citizenSub, accountId);
    const id = newAutopayId();
    try {
      await this.deps.store.autopays.create({
        _id: id,
        citizenSub,
        accountId,
        billerId: account.billerId,
        limitMinor,
        currency: 'INR',
        status: 'pending_approval',
        liveKey: accountId,
      });
    } catch (error) {
      if (error instanceof ConflictError) {
        throw new AppError(409, 'autopay_exists', 'this account already has autopay on (or waiting for approval)');
      }
      throw error;
    }
    const validUntil = new Date(now.getTime() + mandateValidityDays * DAY_MS);
    try {
      const mandate = await this.deps.gateway.createMandate({
        mandateRef: id,
        maxAmountMinor: limitMinor,
        currency: 'INR',
        validUntil,
        returnUrl: `${this.deps.returnUrl}?autopay=${id}`,
        description: `Autopay of ${account.nickname} bills`,
      });
      const stored = await this.deps.store.setAutopayFields(id, 'pending_approval', {
        mandate: { mandateId: mandate.mandateId, approvalUrl: mandate.approvalUrl, validUntil },
      });
      if (!stored) throw new Error(`autopay ${id} left pending_approval while its mandate was made`);
      return stored;
    } catch (error) {
      // No approval URL reached the citizen: this autopay ends, and the account is free for a retry.
      // A mandate the gateway made anyway is never approved and lapses there.
      await this.deps.store.moveAutopay(id, 'pending_approval', 'failed', { reason: 'mandate_not_created' });
      throw error;
    }
  }

  /**
   * Asks the gateway about the autopay's mandate and follows it: approved → active, declined or
   * lapsed → failed (autopay stays off), revoked by the bank → revoked. The citizen's return
   * from the approval page and the scan job both call it. A gateway that does not answer leaves
   * it as it is (GatewayUnavailableError is thrown only when `strict`).
   */
  async refresh(autopay: Autopay, strict = false): Promise<Autopay> {
    if (!autopay.mandate) return autopay;
    let status: MandateStatus;
    try {
      status = (await this.deps.gateway.getMandate(autopay.mandate.mandateId)).status;
    } catch (error) {
      if (!strict && error instanceof GatewayUnavailableError) return autopay;
      if (!isMandateGone(error)) throw error;
      status = 'revoked';
    }
    const next = followMandate(autopay.status, status);
    if (!next) return autopay;
    const moved = await this.deps.store.moveAutopay(autopay._id, autopay.status, next.to, { reason: next.reason });
    if (moved)
      this.deps.log.info({ autopayId: autopay._id, to: next.to, reason: next.reason }, 'autopay follows its mandate');
    return moved ?? (await this.deps.store.findAutopay(autopay._id)) ?? autopay;
  }

  /** The citizen came back from the approval page: the autopay as the gateway now says. */
  async confirmReturn(citizenSub: string, id: string): Promise<Autopay> {
    return this.refresh(await this.get(citizenSub, id));
  }

  /** Pauses an active autopay: its debits are skipped, the mandate is kept. 409 `autopay_not_active` otherwise. */
  async pause(citizenSub: string, id: string): Promise<Autopay> {
    await this.get(citizenSub, id);
    const moved = await this.deps.store.moveAutopay(id, 'active', 'paused', { reason: 'paused_by_citizen' });
    if (!moved) throw notIn(await this.get(citizenSub, id), 'active');
    return moved;
  }

  /** Resumes a paused autopay, after the gateway confirms its mandate is still active. 409 `autopay_not_paused` otherwise. */
  async resume(citizenSub: string, id: string): Promise<Autopay> {
    await this.get(citizenSub, id);
    const moved = await this.deps.store.moveAutopay(id, 'paused', 'active', { reason: 'resumed_by_citizen' });
    if (!moved) throw notIn(await this.get(citizenSub, id), 'paused');
    return this.refresh(moved);
  }

  /**
   * Cancels a live autopay and revokes its mandate at the gateway. Cancelled first, so no debit
   * starts after this; a revoke the gateway did not confirm is retried by the scan job
   * (retryRevokes). A cancelled autopay answers as it is (repeat-safe); another ended one is a 409.
   */
  async cancel(citizenSub: string, id: string): Promise<Autopay> {
    const current = await this.get(citizenSub, id);
    if (current.status !== 'cancelled') {
      const moved = await this.deps.store.moveAutopay(id, ['pending_approval', 'active', 'paused'], 'cancelled', {
        reason: 'cancelled_by_citizen',
      });
      if (!moved) throw notIn(await this.get(citizenSub, id), 'live');
    }
    return this.revoke(await this.get(citizenSub, id));
  }

  /** Revokes a cancelled autopay's mandate and records it; a gateway that does not answer is tried again later. */
  async revoke(autopay: Autopay): Promise<Autopay> {
    if (!autopay.mandate || autopay.mandate.revokedAt) return autopay;
    try {
      await this.deps.gateway.revokeMandate(autopay.mandate.mandateId);
    } catch (error) {
      // A mandate the gateway does not hold is revoked as far as anyone can tell: not retried forever.
      if (isMandateGone(error)) {
        this.deps.log.warn({ autopayId: autopay._id }, 'mandate unknown to the gateway: counted as revoked');
        return (
          (await this.deps.store.setAutopayFields(autopay._id, 'cancelled', { 'mandate.revokedAt': new Date() })) ??
          autopay
        );
      }
      this.deps.log.warn({ autopayId: autopay._id, err: error }, 'mandate revoke not confirmed: retried later');
      return autopay;
    }
    return (
      (await this.deps.store.setAutopayFields(autopay._id, 'cancelled', { 'mandate.revokedAt': new Date() })) ?? autopay
    );
  }

  /** Revokes at the gateway the mandates of cancelled autopays not yet confirmed revoked; returns how many now are. */
  async retryRevokes(): Promise<number> {
    const waiting = await this.deps.store.autopays
      .find({ status: 'cancelled', 'mandate.mandateId': { $exists: true }, 'mandate.revokedAt': { $exists: false } })
      .limit(200)
      .lean<Autopay[]>()
      .exec();
    let done = 0;
    for (const autopay of waiting) if ((await this.revoke(autopay)).mandate?.revokedAt) done += 1;
    return done;
  }
}

/** 409 for a move the autopay's status does not allow, naming the status it is in. */
function notIn(autopay: Autopay, wanted: 'active' | 'paused' | 'live'): AppError {
  return new AppError(409, `autopay_not_${wanted}`, `this autopay is ${autopay.status}`, { status: autopay.status });
}
