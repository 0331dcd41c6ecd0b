import type { Redis } from '../../infra/redis.js';
import type { Identifier } from '../accounts/identifier.js';
import { adapterKey, rememberReads } from '../provider/redis-adapter.js';
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

/** What a page of an interaction starts from: our state (undefined before the first step) and the chosen language. */
export interface StoredLogin {
  state: LoginState | undefined;
  locale: Locale | undefined;
}

export class LoginStates {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'idp:login:',
  ) {}

  /**
   * Our state and chosen language for an interaction, read in one round trip together with the
   * provider's Interaction record, which is handed to the request's storage scope
   * (redis-adapter.ts) so that the provider does not read it again.
   */
  async load(uid: string): Promise<StoredLogin> {
    const interactionKey = adapterKey('Interaction', uid);
    const [interaction, state, locale] = await this.redis.mget(
      interactionKey,
      this.prefix + uid,
      `${this.prefix}${uid}:lang`,
    );
    rememberReads([[interactionKey, interaction ?? null]]);
    return {
      state: state ? (JSON.parse(state) as LoginState) : undefined,
      locale: (locale as Locale | null) ?? undefined,
    };
  }

  async set(uid: string, state: LoginState): Promise<void> {
    await this.redis.set(this.prefix + uid, JSON.stringify(state), 'EX', TTL_SECONDS);
  }

  async clear(uid: string): Promise<void> {
    await this.redis.del(this.prefix + uid, `${this.prefix}${uid}:lang`);
  }

  /** The language chosen with the switch during this interaction; it outranks the client's ui_locales. */
  async chooseLocale(uid: string, locale: Locale): Promise<void> {
    await this.redis.set(`${this.prefix}${uid}:lang`, locale, 'EX', TTL_SECONDS);
  }
}
