import { ConflictError } from '../../infra/errors.js';
import type { Connection } from '../../infra/mongo.js';
import { type ConsentDoc, type ConsentModel, consentId, consentModel } from './consent-model.js';

export type Consent = ConsentDoc;

/** What a citizen allowed a client: the shape kept in a consent record and put into a Grant. */
export interface ConsentedAccess {
  /** OpenID scopes, without `offline_access`. */
  scopes: string[];
  claims: string[];
  resourceScopes: { resource: string; scope: string }[];
}

/** A provider Grant made under a consent; `expiresAt` is the Grant's own expiry. */
export interface GrantRef {
  id: string;
  expiresAt: Date;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Remembered consents in MongoDB, one record per (account, client). Every write is one
 * conditional single-document update: extend a live record, or replace an expired or absent
 * one (a lost race to insert turns into extending the winner's).
 */
export class ConsentStore {
  readonly model: ConsentModel;

  constructor(
    conn: Connection,
    /** How long a consent lasts after the citizen last gave it (IDP_CONSENT_TTL_DAYS). */
    private readonly ttlDays: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.model = consentModel(conn);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  /** The live (unexpired) consent of one citizen for one client, or null. */
  find(accountId: string, clientId: string): Promise<Consent | null> {
    return this.model
      .findOne({ _id: consentId(accountId, clientId), expiresAt: { $gt: this.now() } })
      .lean<Consent>()
      .exec();
  }

  /** The citizen's live consents, oldest first. */
  list(accountId: string): Promise<Consent[]> {
    return this.model
      .find({ accountId, expiresAt: { $gt: this.now() } })
      .sort({ grantedAt: 1 })
      .lean<Consent[]>()
      .exec();
  }

  /**
   * Adds what the citizen just allowed to the client's consent (a live record keeps what it
   * had; an expired one starts afresh), restarts its lifetime, and tracks the Grant made under it.
   */
  async remember(accountId: string, clientId: string, access: ConsentedAccess, grant: GrantRef): Promise<void> {
    const _id = consentId(accountId, clientId);
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.ttlDays * DAY_MS);
    await this.pruneGrants(_id, now);
    const extend = () =>
      this.model
        .findOneAndUpdate(
          { _id, expiresAt: { $gt: now } },
          {
            $addToSet: {
              scopes: { $each: access.scopes },
              claims: { $each: access.claims },
              resourceScopes: { $each: access.resourceScopes },
              grants: grant,
            },
            $set: { updatedAt: now, expiresAt },
          },
        )
        .exec();
    if (await extend()) return;
    try {
      await this.model
        .findOneAndUpdate(
          { _id, expiresAt: { $lte: now } },
          {
            $set: { accountId, clientId, ...access, grantedAt: now, updatedAt: now, expiresAt },
            // An expired record's Grants may still hold tokens until they expire: keep tracking them.
            $addToSet: { grants: grant },
          },
          { upsert: true },
        )
        .exec();
    } catch (error) {
      // Another request inserted the live record first: add to it instead.
      if (!(error instanceof ConflictError)) throw error;
      if (!(await extend())) throw error;
    }
  }

  /**
   * Tracks a Grant made from the consent in a new session. False when the consent is gone or
   * expired (revoked meanwhile): the caller must not use that Grant.
   */
  async attachGrant(accountId: string, clientId: string, grant: GrantRef): Promise<boolean> {
    const _id = consentId(accountId, clientId);
    const now = this.now();
    await this.pruneGrants(_id, now);
    const updated = await this.model
      .findOneAndUpdate({ _id, expiresAt: { $gt: now } }, { $addToSet: { grants: grant } })
      .exec();
    return updated !== null;
  }

  /** Deletes the consent and returns it (with the Grants to end), or null when there was none. */
  forget(accountId: string, clientId: string): Promise<Consent | null> {
    return this.model
      .findOneAndDelete({ _id: consentId(accountId, clientId) })
      .lean<Consent>()
      .exec();
  }

  /** Drops references to Grants that have expired on their own, so the list stays short. */
  private async pruneGrants(_id: string, now: Date): Promise<void> {
    await this.model.updateOne({ _id }, { $pull: { grants: { expiresAt: { $lte: now } } } }).exec();
  }
}
