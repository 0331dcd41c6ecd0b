import type { Connection } from '../../infra/mongo.js';
import {
  type Autopay,
  type AutopayModel,
  type AutopayStatus,
  autopayModel,
  ENDED_AUTOPAY_STATUSES,
  endedLiveKey,
} from './autopay-model.js';
import { type AutopayCharge, type AutopayChargeModel, autopayChargeModel, type ChargeStatus } from './charge-model.js';

/**
 * Which autopay moves are allowed, from → to. Every move is one conditional update on one
 * document (`{_id, status: from}`), so two requests or runs racing move it once.
 */
export const AUTOPAY_TRANSITIONS: Readonly<Record<AutopayStatus, readonly AutopayStatus[]>> = {
  pending_approval: ['active', 'failed', 'cancelled'],
  active: ['paused', 'cancelled', 'revoked'],
  paused: ['active', 'cancelled', 'revoked'],
  cancelled: [],
  revoked: [],
  failed: [],
};

/** Which debit moves are allowed, from → to (see charge-model.ts for what each state means). */
export const CHARGE_TRANSITIONS: Readonly<Record<ChargeStatus, readonly ChargeStatus[]>> = {
  scheduled: ['charging', 'skipped', 'failed'],
  charging: ['charged', 'unknown', 'skipped', 'failed', 'scheduled'],
  unknown: ['charged', 'failed'],
  charged: ['failed'],
  over_limit: [],
  skipped: [],
  failed: [],
};

/** Autopays and their debits in MongoDB; every change of state is a conditional single-document update. */
export class AutopayStore {
  readonly autopays: AutopayModel;
  readonly charges: AutopayChargeModel;

  constructor(conn: Connection) {
    this.autopays = autopayModel(conn);
    this.charges = autopayChargeModel(conn);
  }

  async init(): Promise<void> {
    await Promise.all([this.autopays.init(), this.charges.init()]);
  }

  findAutopay(id: string): Promise<Autopay | null> {
    return this.autopays.findById(id).lean<Autopay>().exec();
  }

  /** The citizen's own autopay, or null for an unknown id and for another citizen's alike. */
  findOwnAutopay(citizenSub: string, id: string): Promise<Autopay | null> {
    return this.autopays.findOne({ _id: id, citizenSub }).lean<Autopay>().exec();
  }

  /** The citizen's autopays, newest first. */
  listAutopays(citizenSub: string): Promise<Autopay[]> {
    return this.autopays.find({ citizenSub }).sort({ createdAt: -1, _id: -1 }).limit(100).lean<Autopay[]>().exec();
  }

  /**
   * Moves an autopay `from` one of the given statuses `to` another, with extra fields; null when it
   * was not in one of them (another request moved it first). An ending move frees its account.
   * Throws on a move the table does not allow: that is a bug, not a race.
   */
  async moveAutopay(
    id: string,
    from: AutopayStatus | readonly AutopayStatus[],
    to: AutopayStatus,
    set: Record<string, unknown> = {},
  ): Promise<Autopay | null> {
    const froms = typeof from === 'string' ? [from] : [...from];
    for (const f of froms) {
      if (!AUTOPAY_TRANSITIONS[f].includes(to)) throw new Error(`autopay ${id}: no move ${f} → ${to}`);
    }
    const current = await this.autopays.findById(id, { accountId: 1 }).lean<Pick<Autopay, '_id' | 'accountId'>>();
    if (!current) return null;
    const ending = ENDED_AUTOPAY_STATUSES.includes(to) ? { liveKey: endedLiveKey(current) } : {};
    return this.autopays
      .findOneAndUpdate(
        { _id: id, status: { $in: froms } },
        { $set: { status: to, ...ending, ...set } },
        { returnDocument: 'after' },
      )
      .lean<Autopay>()
      .exec();
  }

  /** Sets fields of an autopay only while it is in `status` (e.g. its mandate, once made). */
  setAutopayFields(id: string, status: AutopayStatus, set: Record<string, unknown>): Promise<Autopay | null> {
    return this.autopays
      .findOneAndUpdate({ _id: id, status }, { $set: set }, { returnDocument: 'after' })
      .lean<Autopay>()
      .exec();
  }

  findCharge(id: string): Promise<AutopayCharge | null> {
    return this.charges.findById(id).lean<AutopayCharge>().exec();
  }

  /** The autopay's recent debits, newest first. */
  listCharges(autopayId: string, limit = 20): Promise<AutopayCharge[]> {
    return this.charges
      .find({ autopayId })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<AutopayCharge[]>()
      .exec();
  }

  /** Moves a debit between states, as moveAutopay does; null when another run moved it first. */
  moveCharge(
    id: string,
    from: ChargeStatus | readonly ChargeStatus[],
    to: ChargeStatus,
    set: Record<string, unknown> = {},
    unset: readonly string[] = [],
  ): Promise<AutopayCharge | null> {
    const froms = typeof from === 'string' ? [from] : [...from];
    for (const f of froms) {
      if (!CHARGE_TRANSITIONS[f].includes(to)) throw new Error(`autopay charge ${id}: no move ${f} → ${to}`);
    }
    const update: Record<string, unknown> = { $set: { status: to, ...set } };
    if (unset.length > 0) update.$unset = Object.fromEntries(unset.map((field) => [field, '']));
    return this.charges
      .findOneAndUpdate({ _id: id, status: { $in: froms } }, update, { returnDocument: 'after' })
      .lean<AutopayCharge>()
      .exec();
  }
}
