import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsentStore, type GrantRef } from '../../idp/consents/consent-store.js';
import type { Connection } from '../../infra/mongo.js';
import { isolatedMongo } from '../support/isolation.js';

const DAY_MS = 24 * 3600 * 1000;
const access = (scopes: string[], resourceScopes: { resource: string; scope: string }[] = []) => ({
  scopes,
  claims: [],
  resourceScopes,
});

describe('the consent store', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  /** The store's clock, moved by the tests. */
  let now = new Date('2026-11-30T10:00:00Z');
  let store: ConsentStore;
  const grant = (id: string, days = 14): GrantRef => ({ id, expiresAt: new Date(now.getTime() + days * DAY_MS) });

  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('consents'));
    store = new ConsentStore(conn, 30, () => now);
    await store.init();
  });
  afterAll(() => drop());

  it('two first consents to one client at once keep everything both allowed, in one record', async () => {
    const accountId = randomUUID();
    await Promise.all([
      store.remember(accountId, 'partner', access(['openid', 'profile']), grant('g1')),
      store.remember(accountId, 'partner', access(['openid', 'email']), grant('g2')),
      store.remember(
        accountId,
        'partner',
        access(['openid'], [{ resource: 'https://hub/api', scope: 'bills:read' }]),
        grant('g3'),
      ),
    ]);
    const consent = await store.find(accountId, 'partner');
    expect([...(consent?.scopes ?? [])].sort()).toEqual(['email', 'openid', 'profile']);
    expect(consent?.resourceScopes).toEqual([{ resource: 'https://hub/api', scope: 'bills:read' }]);
    expect(consent?.grants.map((g) => g.id).sort()).toEqual(['g1', 'g2', 'g3']);
    expect(await store.model.countDocuments({ accountId })).toBe(1);
  });

  it('a consent lasts its lifetime after it was last given, then is ignored and starts afresh', async () => {
    const accountId = randomUUID();
    const start = now;
    await store.remember(accountId, 'partner', access(['openid', 'profile']), grant('old'));
    now = new Date(start.getTime() + 29 * DAY_MS);
    expect(await store.find(accountId, 'partner')).not.toBeNull();
    // Allowed again on day 29: another 30 days from then, with the first date kept as "since".
    await store.remember(accountId, 'partner', access(['openid']), grant('renewed'));
    now = new Date(start.getTime() + 58 * DAY_MS);
    const renewed = await store.find(accountId, 'partner');
    expect(renewed?.grantedAt).toEqual(start);
    expect(await store.list(accountId)).toHaveLength(1);

    now = new Date(start.getTime() + 60 * DAY_MS);
    expect(await store.find(accountId, 'partner')).toBeNull();
    expect(await store.list(accountId)).toEqual([]);
    expect(await store.attachGrant(accountId, 'partner', grant('late'))).toBe(false);
    // A consent after expiry keeps only what is allowed now.
    await store.remember(accountId, 'partner', access(['openid']), grant('fresh'));
    const fresh = await store.find(accountId, 'partner');
    expect(fresh?.scopes).toEqual(['openid']);
    expect(fresh?.grantedAt).toEqual(now);
    now = start;
  });

  it('tracks the grants of new sessions, drops those expired on their own, and refuses once forgotten', async () => {
    const accountId = randomUUID();
    await store.remember(accountId, 'partner', access(['openid']), grant('short', 1));
    expect(await store.attachGrant(accountId, 'partner', grant('second'))).toBe(true);
    expect(await store.attachGrant(accountId, 'partner', grant('second'))).toBe(true);
    now = new Date(now.getTime() + 2 * DAY_MS);
    expect(await store.attachGrant(accountId, 'partner', grant('third'))).toBe(true);
    expect((await store.find(accountId, 'partner'))?.grants.map((g) => g.id)).toEqual(['second', 'third']);

    const forgotten = await store.forget(accountId, 'partner');
    expect(forgotten?.grants.map((g) => g.id)).toEqual(['second', 'third']);
    expect(await store.attachGrant(accountId, 'partner', grant('after'))).toBe(false);
    expect(await store.forget(accountId, 'partner')).toBeNull();
    expect(await store.model.countDocuments({ accountId })).toBe(0);
  });
});
