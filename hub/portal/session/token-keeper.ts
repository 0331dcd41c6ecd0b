import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from '../../../infra/redis.js';
import { SignInRequired } from '../http/portal-error.js';
import type { RelyingParty } from '../oidc/relying-party.js';
import type { SessionHandle } from './session-cookie.js';
import type { SessionStore } from './session-store.js';

/** Refresh when the access token has less than this left, so it does not expire mid-request. */
export const REFRESH_MARGIN_MS = 60_000;
const LOCK_MS = 15_000;
const WAIT_STEP_MS = 100;

/**
 * Keeps a session's access token usable. A token near expiry (or one the API refused) is
 * refreshed once per session at a time: the idp rotates refresh tokens and treats a reused one
 * as theft (revoking the grant), so two tabs must not refresh with the same token. One request
 * takes a short Redis lock and refreshes; the others wait for the session to carry the new
 * token. A refused refresh signs the session out (SignInRequired).
 */
export class TokenKeeper {
  constructor(
    private readonly rp: RelyingParty,
    private readonly store: SessionStore,
    private readonly redis: Redis,
  ) {}

  /** A usable access token for this session; `stale` is one the API just refused. */
  async accessToken(handle: SessionHandle, stale?: string): Promise<string> {
    const session = handle.current;
    if (!session?.tokens) throw new SignInRequired('not signed in');
    const { tokens } = session;
    const usable = tokens.accessExpiresAt - Date.now() > REFRESH_MARGIN_MS && tokens.accessToken !== stale;
    if (usable) return tokens.accessToken;
    const lock = `portal:refresh-lock:${session.id}`;
    if ((await this.redis.set(lock, '1', 'PX', LOCK_MS, 'NX')) !== 'OK')
      return this.waitForOther(handle, tokens.accessToken);
    try {
      // Another request (another tab, or another hub process) may have refreshed between this
      // request's read of the session and the lock: its refresh token is the rotated one now.
      const latest = (await this.store.load(session.id))?.tokens;
      if (!latest) throw new SignInRequired('signed out while refreshing');
      if (latest.accessToken !== tokens.accessToken && latest.accessToken !== stale) {
        await handle.updateTokensLocally(latest);
        return latest.accessToken;
      }
      const refreshed = await this.rp.refresh(latest).catch(async (error: unknown) => {
        if (error instanceof SignInRequired) await handle.end();
        throw error;
      });
      await handle.updateTokens(refreshed);
      return refreshed.accessToken;
    } finally {
      await this.redis.del(lock);
    }
  }

  /** Another request is refreshing: wait for the session to carry a new access token. */
  private async waitForOther(handle: SessionHandle, old: string): Promise<string> {
    const id = handle.current?.id;
    for (let waited = 0; waited < LOCK_MS; waited += WAIT_STEP_MS) {
      await sleep(WAIT_STEP_MS);
      const session = await this.store.load(id);
      if (!session?.tokens) throw new SignInRequired('signed out while refreshing');
      if (session.tokens.accessToken !== old) {
        await handle.updateTokensLocally(session.tokens);
        return session.tokens.accessToken;
      }
    }
    await handle.end();
    throw new SignInRequired('token refresh did not finish');
  }
}
