import type { Redis } from '../../infra/redis.js';
import type { Identifier } from '../accounts/identifier.js';
import type { Locale } from '../views/i18n.js';

/** A message shown once on the next page, as a catalog key (so it follows the page's language). */
export type NoticeKey = 'code.resent' | 'totp.tooMany';

/** Where a citizen is within one login interaction, kept beside the provider's interaction. */
export type LoginState =
  | { stage: 'identify'; notice?: NoticeKey }
  | { stage: 'code'; identifier: Identifier; challengeId: string; notice?: NoticeKey }
  | {
      stage: 'totp';
      /** The identifier just proven with a code; absent when a signed-in session steps up (priorAmr). */
      identifier?: Identifier;
      accountId: string;
      totpFailures: number;
      /** The session's amr when a client asked for a higher level than the session reached (step-up). */
      priorAmr?: string[];
    }
  | { stage: 'register'; identifier: Identifier };

const TTL_SECONDS = 3600;

export class LoginStates {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'idp:login:',
  ) {}

  async get(uid: string): Promise<LoginState> {
    return (await this.find(uid)) ?? { stage: 'identify' };
  }

  /** The stored state; undefined before the interaction's first step. */
  async find(uid: string): Promise<LoginState | undefined> {
    const stored = await this.redis.get(this.prefix + uid);
    return stored ? (JSON.parse(stored) as LoginState) : undefined;
  }

  async set(uid: string, state: LoginState): Promise<void> {
    await this.redis.set(this.prefix + uid, JSON.stringify(state), 'EX', TTL_SECONDS);
  }

  async clear(uid: string): Promise<void> {
    await this.redis.del(this.prefix + uid, `${this.prefix}${uid}:lang`);
  }

  /** The language chosen with the switch during this interaction; it outranks the client's ui_locales. */
  async chosenLocale(uid: string): Promise<Locale | undefined> {
    return ((await this.redis.get(`${this.prefix}${uid}:lang`)) as Locale | null) ?? undefined;
  }

  async chooseLocale(uid: string, locale: Locale): Promise<void> {
    await this.redis.set(`${this.prefix}${uid}:lang`, locale, 'EX', TTL_SECONDS);
  }
}
