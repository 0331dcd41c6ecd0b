import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../idp/accounts/account-store.js';
import type { Connection } from '../../infra/mongo.js';
import { isolatedMongo } from '../support/isolation.js';

describe('the account store', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let store: AccountStore;

  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('accounts'));
    store = new AccountStore(conn);
    await store.init();
  });
  afterAll(() => drop());

  it('finds an active account by id, and neither a disabled nor an unknown one', async () => {
    const active = await store.register({ kind: 'phone', value: '+919800000001' }, 'Asha Rao');
    const disabled = await store.register({ kind: 'email', value: 'off@example.in' }, 'Ravi Das');
    await store.model.updateOne({ _id: disabled._id }, { $set: { status: 'disabled' } });

    expect((await store.findById(active._id))?.name).toBe('Asha Rao');
    expect(await store.findById(disabled._id)).toBeNull();
    expect(await store.findById('no-such-account')).toBeNull();
    // Found by its identifier whatever its status: the sign-in refuses it by name.
    expect((await store.findByIdentifier({ kind: 'email', value: 'off@example.in' }))?.status).toBe('disabled');
  });

  it('hands on to the cache only active accounts read by identifier', async () => {
    const seen: string[] = [];
    store.onLoaded((account) => seen.push(account._id));
    const active = await store.register({ kind: 'phone', value: '+919800000002' }, 'Meera Nair');
    const disabled = await store.register({ kind: 'phone', value: '+919800000003' }, 'Kiran Pal');
    await store.model.updateOne({ _id: disabled._id }, { $set: { status: 'disabled' } });
    seen.length = 0;

    await store.findByIdentifier({ kind: 'phone', value: '+919800000002' });
    await store.findByIdentifier({ kind: 'phone', value: '+919800000003' });
    expect(seen).toEqual([active._id]);
  });
});
