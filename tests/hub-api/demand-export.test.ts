import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demandExportCsv } from '../../hub/api/routes/demand-export.js';
import { DemandStore } from '../../hub/demands/demand-store.js';
import { paymentModel } from '../../hub/payments/payment-model.js';
import { walletTransferClaimModel } from '../../hub/wallet/transfer-claim-model.js';
import type { Connection } from '../../infra/mongo.js';
import { BY, hallRentInThree } from '../hub-demands/fixtures.js';
import { isolatedMongo } from '../support/isolation.js';

describe('the provider export of demands', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let store: DemandStore;
  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('demand_export'));
    store = new DemandStore(conn);
    await store.init();
  });
  afterAll(() => drop());

  it('says how each instalment was paid (payment number, checkout or wallet, wallet transaction id), starts with a BOM and states IST', async () => {
    const input = hallRentInThree({ title: 'सामुदायिक भवन বুকিং' });
    const { demand } = await store.create(input, BY);
    const lineReference = 'HUB0123456789ABCDEFGHJK';
    const walletPayment = 'WLT0123456789ABCDEFGHJK';
    // The checkout payment whose line the demand recorded, and the wallet transfer's claim, as
    // settlement and the wallet module leave them (raw: only the fields the export reads).
    await paymentModel(conn).collection.insertOne({
      _id: 'PAYEXPORT0000000000001',
      lines: [{ reference: lineReference }],
    } as never);
    await walletTransferClaimModel(conn).collection.insertOne({
      _id: 'sandbox:WT225080178685',
      paymentId: walletPayment,
      transactionId: 'WT225080178685',
    } as never);
    await store.recordPayment(demand._id, {
      paymentId: lineReference,
      instalments: [1],
      amountMinor: 1_180_000,
      paidAt: new Date('2027-01-08T10:00:00+05:30'),
    });
    await store.recordPayment(demand._id, {
      paymentId: walletPayment,
      instalments: [2],
      amountMinor: 1_180_000,
      paidAt: new Date('2027-02-08T10:00:00+05:30'),
    });

    const { text } = await demandExportCsv(store.model, input.providerId, {});
    expect(text.startsWith('\uFEFFreference,')).toBe(true);
    const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    expect(
      rows.map((r) => [r.instalment, r.instalment_status, r.payment_number, r.payment_method, r.wallet_transaction_id]),
    ).toEqual([
      ['1', 'paid', 'PAYEXPORT0000000000001', 'checkout', ''],
      ['2', 'paid', walletPayment, 'wallet', 'WT225080178685'],
      ['3', 'open', '', '', ''],
    ]);
    expect(rows[0]?.title).toBe('सामुदायिक भवन বুকিং');
    expect(rows[0]?.created_at_ist).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30$/);
    expect(Object.keys(rows[0] ?? {}).filter((c) => /date|_at|_on/.test(c))).toEqual([
      'due_date_ist',
      'created_at_ist',
      'instalment_due_date_ist',
      'paid_on_ist',
    ]);
  });
});
