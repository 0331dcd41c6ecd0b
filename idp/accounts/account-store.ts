import { ConflictError } from '../../infra/errors.js';
import type { Connection } from '../../infra/mongo.js';
import { type AccountDoc, type AccountModel, accountModel } from './account-model.js';
import type { Identifier } from './identifier.js';

export type Account = AccountDoc;

/**
 * The standard claims (OpenID Connect Core §5.1) the idp holds, by the scope that releases them
 * (§5.4). Nothing else is held: no address, birthdate or locale (the language choice is a cookie,
 * not part of the account), so none is claimed.
 */
export const CLAIMS_BY_SCOPE = {
  profile: ['name'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
} as const satisfies Record<string, readonly string[]>;

/** The scope that releases a standard claim; undefined for a claim the idp does not hold. */
export function scopeOfClaim(claim: string): string | undefined {
  return Object.entries(CLAIMS_BY_SCOPE).find(([, claims]) => (claims as readonly string[]).includes(claim))?.[0];
}

/**
 * The standard claims an account releases (CLAIMS_BY_SCOPE, only those it has a value for);
 * the provider filters them by granted scope and requested claims.
 */
export function accountClaims(account: Account) {
  return {
    sub: account._id,
    name: account.name,
    ...(account.phone ? { phone_number: account.phone, phone_number_verified: account.phoneVerified } : {}),
    ...(account.email ? { email: account.email, email_verified: account.emailVerified } : {}),
  };
}

export class AccountStore {
  readonly model: AccountModel;
  /**
   * Told of every active account this process has just created or read by identifier
   * (account-cache.ts keeps it, sparing the read by id that the sign-in makes next).
   */
  private readonly loadedListeners: ((account: Account) => void)[] = [];

  constructor(conn: Connection) {
    this.model = accountModel(conn);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  /**
   * Calls `listener` with each account register() creates in this process, and each active
   * account findByIdentifier() reads (a disabled one is never handed on: findById would not find it).
   */
  onLoaded(listener: (account: Account) => void): void {
    this.loadedListeners.push(listener);
  }

  private loaded(account: Account): void {
    for (const listener of this.loadedListeners) listener(account);
  }

  /** The active account `sub`; null when there is none or it is disabled. */
  findById(sub: string): Promise<Account | null> {
    return this.model.findOne({ _id: sub, status: 'active' }).lean<Account>().exec();
  }

  /** The account holding this phone or email, whatever its status. */
  async findByIdentifier(identifier: Identifier): Promise<Account | null> {
    const account = await this.model
      .findOne({ [identifier.kind]: identifier.value })
      .lean<Account>()
      .exec();
    if (account?.status === 'active') this.loaded(account);
    return account;
  }

  /**
   * Creates an account whose identifier was just proven with a one-time code. When the same
   * identifier registers twice at once, the unique index lets one win and both get that account.
   */
  async register(identifier: Identifier, name: string): Promise<Account> {
    const verified = identifier.kind === 'phone' ? 'phoneVerified' : 'emailVerified';
    try {
      const created = await this.model.create({ [identifier.kind]: identifier.value, [verified]: true, name });
      const account = created.toObject() as Account;
      this.loaded(account);
      return account;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const existing = await this.findByIdentifier(identifier);
      if (!existing) throw error;
      return existing;
    }
  }

  /** Enrols an authenticator only if none is enrolled: a second enrolment must disable the first. */
  async enableTotp(sub: string, sealedSecret: string): Promise<boolean> {
    const updated = await this.model.findOneAndUpdate(
      { _id: sub, totp: null },
      { $set: { totp: { sealedSecret, enabledAt: new Date(), lastStep: null } } },
    );
    return updated !== null;
  }

  async disableTotp(sub: string): Promise<void> {
    await this.model.updateOne({ _id: sub }, { $set: { totp: null } });
  }

  /** Records a used time step; false when it (or a later one) was used already: a replay. */
  async acceptTotpStep(sub: string, step: number): Promise<boolean> {
    const updated = await this.model.findOneAndUpdate(
      { _id: sub, totp: { $ne: null }, $or: [{ 'totp.lastStep': null }, { 'totp.lastStep': { $lt: step } }] },
      { $set: { 'totp.lastStep': step } },
    );
    return updated !== null;
  }
}
