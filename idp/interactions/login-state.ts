import type { Redis } from '../../infra/redis.js';
import type { Identifier } from '../accounts/identifier.js';

/** Where a citizen is within one login interaction, kept beside the provider's interaction. */
export type LoginState =
  | { stage: 'identify'; notice?: string }
  | { stage: 'code'; identifier: Identifier; challengeId: string; notice?: string }
  | { stage: 'totp'; identifier: Identifier; accountId: string; totpFailures: number }
  | { stage: 'register'; identifier: Identifier };

const TTL_SECONDS = 3600;

export class LoginStates {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'idp:login:',
  ) {}

  async get(uid: string): Promise<LoginState> {
    const stored = await this.redis.get(this.prefix + uid);
    return stored ? (JSON.parse(stored) as LoginState) : { stage: 'identify' };
  }

  async set(uid: string, state: LoginState): Promise<void> {
    await this.redis.set(this.prefix + uid, JSON.stringify(state), 'EX', TTL_SECONDS);
  }

  async clear(uid: string): Promise<void> {
    await this.redis.del(this.prefix + uid);
  }
}
