import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingsStore } from '../../hub/citizen-settings/settings-store.js';
import { ContactStore } from '../../hub/contacts/contact-store.js';
import { demandBatchModel } from '../../hub/demands/batch-model.js';
import type { DemandStore } from '../../hub/demands/demand-store.js';
import { DemandUploader } from '../../hub/demands/demand-upload.js';
import { createNotifications, type Delivery } from '../../hub/notifications/index.js';
import { WalletSettlement } from '../../hub/wallet/settle-by-wallet.js';
import { sweepDemandWork } from '../../hub/worker/sweep-paid-elsewhere.js';
import { createLogger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import { createNotifier, type NotifierConfig, readCaptured } from '../../infra/notifier/index.js';
import type { Redis } from '../../infra/redis.js';
import { BY, hallRent, TODAY } from '../hub-demands/fixtures.js';
import { freshRecipient } from '../hub-notifications/recipients.js';
import { isolatedMongo, isolatedRedis } from '../support/isolation.js';
import { MERCHANT, SLOW_MS, settlementOver, startWallet, type WalletHarness } from './harness.js';

const log = createLogger('wallet_sweep', process.env.TEST_LOG_LEVEL ?? 'silent');
const PUBLIC_URL = 'https://billpay.example.in';

describe('the worker sweep finishes demand work left behind', () => {
  let drop: () => Promise<void>;
  let conn: Connection;
  let wallet: WalletHarness;
  let demands: DemandStore;
  let settlement: WalletSettlement;
  let uploader: DemandUploader;
  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('wallet_sweep'));
    wallet = await startWallet();
    ({ demands, settlement } = await settlementOver(conn, wallet.client));
    uploader = new DemandUploader(conn, demands);
    await uploader.init();
  });
  afterAll(async () => {
    await wallet.close();
    await drop();
  });

  it('a wallet transfer left verifying by a timeout is settled by the sweep once the wallet answers', async () => {
    const { demand } = await demands.create(hallRent(), BY);
    const slowWallet = '9000000021';
    const transfer = await wallet.seed({ payerWallet: slowWallet, amount: 3_540_000 });
    await wallet.fault({ consumer: slowWallet, kind: 'latency', ms: SLOW_MS, times: 1 });
    const first = await settlement.settle({
      reference: demand.reference,
      walletNumber: slowWallet,
      transactionId: transfer.transactionId,
      citizenSub: 'citizen-sweep',
    });
    expect(first.status).toBe('verifying');
    expect((await demands.findById(demand._id))?.status).toBe('open');

    const report = await sweepDemandWork({ wallet: settlement, uploader, log });

    expect(report.errors).toEqual([]);
    expect(report.wallet?.settled).toBeGreaterThanOrEqual(1);
    expect((await settlement.findClaim(transfer.transactionId))?.status).toBe('settled');
    expect((await demands.findById(demand._id))?.status).toBe('paid');
  });

  /** An upload of two rows left as a crash between its commit and its publication leaves it. */
  async function committedButUnpublished(providerId: string): Promise<string> {
    const csv = [
      'payer_phone,payer_email,title,item,amount,cgst,sgst,due_date',
      '9876500031,,Fee A,Fee,1000.00,90,90,2027-01-31',
      '9876500032,,Fee B,Fee,1000.00,90,90,2027-01-31',
    ].join('\n');
    const result = await uploader.upload({ providerId, actor: 'clerk', csv, today: TODAY });
    if (!result.ok) throw new Error('upload failed');
    await demands.model.updateMany({ batchId: result.batchId }, { $set: { live: false } });
    await demandBatchModel(conn).updateOne({ _id: result.batchId }, { $unset: { publishedAt: '' } });
    expect(await demands.listForProvider(providerId)).toEqual([]);
    return result.batchId;
  }

  it('a committed but unpublished upload batch is published by the sweep', async () => {
    const providerId = `prov-sweep-${Date.now()}`;
    const batchId = await committedButUnpublished(providerId);

    const report = await sweepDemandWork({ wallet: null, uploader, log });

    expect(report.publishedBatches).toBeGreaterThanOrEqual(1);
    expect(report.wallet).toBeNull();
    expect(await demands.listForProvider(providerId)).toHaveLength(2);
    expect((await demandBatchModel(conn).findById(batchId).lean())?.publishedAt).toBeInstanceOf(Date);
  });

  it('one failing step does not stop the other: the error is reported and the batches still publish', async () => {
    const broken = {
      retryUnresolved: async () => {
        throw new Error('wallet down');
      },
      notifyReceipts: async () => 0,
    };
    const providerId = `prov-sweep-broken-${Date.now()}`;
    await committedButUnpublished(providerId);

    const report = await sweepDemandWork({ wallet: broken, uploader, log });

    expect(report.errors).toEqual(['wallet: wallet down']);
    expect(report.publishedBatches).toBeGreaterThanOrEqual(1);
    expect(await demands.listForProvider(providerId)).toHaveLength(2);
  });
});

describe('a wallet-paid demand tells the payer, once per receipt', () => {
  let drop: () => Promise<void>;
  let conn: Connection;
  let redis: Redis;
  let wallet: WalletHarness;
  let demands: DemandStore;
  let settlement: WalletSettlement;
  let contacts: ContactStore;
  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('wallet_notify'));
    redis = isolatedRedis();
    wallet = await startWallet();
    const notifier = createNotifier(
      { NOTIFIER_TRANSPORT: 'capture', SMTP_FROM: 'BillPay <a@b.in>' } as NotifierConfig,
      { redis, log },
    );
    // No queue: each message is sent at once, in this process.
    const notifications = createNotifications({ conn, notifier, log, publicUrl: PUBLIC_URL });
    ({ demands } = await settlementOver(conn, wallet.client));
    settlement = new WalletSettlement(conn, demands, wallet.client, { payee: MERCHANT, notifications });
    await settlement.init();
    contacts = new ContactStore(conn);
  });
  afterAll(async () => {
    await wallet.close();
    await redis?.quit();
    await drop();
  });

  it('a settled wallet transfer sends the payer payment_confirmed with the receipt number, once', async () => {
    const who = freshRecipient();
    await contacts.remember(who.sub, { email: who.email, phone: who.phone });
    await new SettingsStore(conn).save(who.sub, { channel: 'both' });
    const { demand } = await demands.create(hallRent(), BY);
    const payerWallet = '9000000041';
    const transfer = await wallet.seed({ payerWallet, amount: 3_540_000 });

    const result = await settlement.settle({
      reference: demand.reference,
      walletNumber: payerWallet,
      transactionId: transfer.transactionId,
      citizenSub: who.sub,
    });
    expect(result.status).toBe('settled');
    if (result.status !== 'settled') return;
    const receiptId = result.receiptId as string;
    expect(receiptId).toMatch(/^RCT/);

    const sms = await readCaptured(redis, who.phone);
    const email = await readCaptured(redis, who.email);
    expect(sms).toHaveLength(1);
    expect(email).toHaveLength(1);
    expect(sms[0]?.text).toContain(`Receipt ${receiptId}`);
    expect(email[0]?.subject).toContain(receiptId);
    const records = await conn.collection<Delivery>('notification_deliveries').find({ reference: receiptId }).toArray();
    expect(records.map((r) => r.kind)).toEqual(['payment_confirmed', 'payment_confirmed']);
    expect((await settlement.findClaim(transfer.transactionId))?.receipt?.notifiedAt).toBeInstanceOf(Date);

    // The sweep's catch-up and a second telling find the message recorded: nothing new is sent.
    expect(await settlement.notifyReceipts()).toBe(0);
    await conn
      .collection('wallet_transfers')
      .updateOne({ transactionId: transfer.transactionId }, { $unset: { 'receipt.notifiedAt': '' } });
    expect(await settlement.notifyReceipts()).toBe(1);
    expect(await readCaptured(redis, who.phone)).toHaveLength(1);
    expect(await readCaptured(redis, who.email)).toHaveLength(1);
  });
});
