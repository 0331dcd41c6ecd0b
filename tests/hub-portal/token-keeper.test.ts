import { describe, expect, it } from 'vitest';
import { SignInRequired } from '../../hub/portal/http/portal-error.js';
import type { RelyingParty } from '../../hub/portal/oidc/relying-party.js';
import type { SessionHandle } from '../../hub/portal/session/session-cookie.js';
import type { Session, SessionStore, SessionTokens } from '../../hub/portal/session/session-store.js';
import { TokenKeeper } from '../../hub/portal/session/token-keeper.js';
import type { Redis } from '../../infra/redis.js';

const tokens = (n: number, expiresInMs: number): SessionTokens => ({
  accessToken: `access-${n}`,
  accessExpiresAt: Date.now() + expiresInMs,
  refreshToken: `refresh-${n}`,
});
const session = (t: SessionTokens): Session => ({
  id: 's'.repeat(43),
  createdAt: Date.now(),
  expiresAt: Date.now() + 3_600_000,
  csrf: 'c'.repeat(43),
  tokens: t,
});

/**
 * The keeper with an idp that rotates refresh tokens and refuses a spent one (as ours does, treating
 * reuse as theft), a session store holding `stored`, and a free refresh lock.
 */
function keeperWith(stored: SessionTokens, valid: string) {
  const refreshed: string[] = [];
  let live = valid;
  let next = 100;
  const rp = {
    refresh: async (current: SessionTokens) => {
      refreshed.push(current.refreshToken ?? '');
      if (current.refreshToken !== live) throw new SignInRequired('refresh token reused');
      const fresh = tokens(next++, 600_000);
      live = fresh.refreshToken as string;
      return fresh;
    },
  } as unknown as RelyingParty;
  const store = { load: async () => session(stored) } as unknown as SessionStore;
  const redis = { set: async () => 'OK', del: async () => 1 } as unknown as Redis;
  return { keeper: new TokenKeeper(rp, store, redis), refreshed };
}

/** A request's view of the session as it read it at its start, recording what it was told to keep. */
function handleOf(read: SessionTokens) {
  const kept: { stored?: SessionTokens; local?: SessionTokens; ended: boolean } = { ended: false };
  const handle = {
    current: session(read),
    updateTokens: async (t: SessionTokens) => {
      kept.stored = t;
    },
    updateTokensLocally: async (t: SessionTokens) => {
      kept.local = t;
    },
    end: async () => {
      kept.ended = true;
    },
  } as unknown as SessionHandle;
  return { handle, kept };
}

describe("the portal's token keeper", () => {
  it('takes the tokens another request stored after this one read the session, and never spends the rotated refresh token', async () => {
    const old = tokens(1, -1_000);
    // Another tab (or another hub process) refreshed: the store holds token 2, the idp now honours refresh-2 only.
    const newer = tokens(2, 600_000);
    const { keeper, refreshed } = keeperWith(newer, 'refresh-2');
    const { handle, kept } = handleOf(old);
    expect(await keeper.accessToken(handle)).toBe('access-2');
    expect(refreshed).toEqual([]);
    expect(kept).toEqual({ local: newer, ended: false });
  });

  it('refreshes with the stored refresh token when nobody else has, and stores the new tokens', async () => {
    const old = tokens(1, -1_000);
    const { keeper, refreshed } = keeperWith(old, 'refresh-1');
    const { handle, kept } = handleOf(old);
    expect(await keeper.accessToken(handle)).toBe('access-100');
    expect(refreshed).toEqual(['refresh-1']);
    expect(kept.stored?.accessToken).toBe('access-100');
  });

  it('refreshes a token the API refused even when the store holds that same token', async () => {
    const current = tokens(3, 600_000);
    const { keeper, refreshed } = keeperWith(current, 'refresh-3');
    const { handle } = handleOf(current);
    expect(await keeper.accessToken(handle)).toBe('access-3');
    expect(await keeper.accessToken(handle, 'access-3')).toBe('access-100');
    expect(refreshed).toEqual(['refresh-3']);
  });
});
