import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demandBatchModel } from '../../hub/demands/batch-model.js';
import type { Demand } from '../../hub/demands/demand-model.js';
import { DemandStore } from '../../hub/demands/demand-store.js';
import { DemandUploader } from '../../hub/demands/demand-upload.js';
import { NOT_A_MOBILE } from '../../hub/demands/payer-phone.js';
import { newReferenceNumber } from '../../hub/demands/reference-number.js';
import { ConflictError } from '../../infra/errors.js';
import type { Connection } from '../../infra/mongo.js';
import { isolatedMongo } from '../support/isolation.js';
import { TODAY } from './fixtures.js';

const EXAMPLE = readFileSync(new URL('../../docs/demand-upload-example.csv', import.meta.url), 'utf8');
const HEADER = 'payer_phone,payer_email,title,item,amount,cgst,sgst,due_date';
const row = (phone: string, title: string, amount = '1000.00') => `${phone},,${title},Fee,${amount},90,90,2027-01-31`;

/** A store that crashes (throws) after inserting `after` rows: a process dying midway. */
class CrashingStore extends DemandStore {
  constructor(
    conn: Connection,
    private readonly after: number,
  ) {
    super(conn);
  }
  /** Writes the first `after` rows, then dies as a killed process would, mid-upload. */
  override async insertRows(docs: Parameters<DemandStore['insertRows']>[0]): Promise<number> {
    await super.insertRows(docs.slice(0, this.after));
    throw new Error('process killed');
  }
}

describe('uploading demands as CSV', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let store: DemandStore;
  let uploader: DemandUploader;
  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('demand_csv'));
    store = new DemandStore(conn);
    uploader = new DemandUploader(conn, store);
    await uploader.init();
  });
  afterAll(() => drop());

  const provider = () => `provider-${randomUUID()}`;
  const countOf = (providerId: string) => store.model.countDocuments({ providerId });

  it('creates the documented example file: one demand per row, with its plan, late fee and discount in paise', async () => {
    const providerId = provider();
    const result = await uploader.upload({ providerId, actor: 'clerk', csv: EXAMPLE, today: TODAY });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.demands.map((d) => d.row)).toEqual([2, 3, 4]);
    const [hall, maintenance, stall] = await Promise.all(result.demands.map((d) => store.findById(d.demandId)));
    expect(hall).toMatchObject({
      live: true,
      totalMinor: 3_540_000,
      payer: { phone: '+919876543210', email: 'asha@example.in' },
      lateFee: { charge: { kind: 'percent', basisPoints: 200 }, periodDays: 30, capMinor: 50_000 },
    });
    expect(hall?.instalments.map((i) => [i.dueDate, i.amountMinor])).toEqual([
      ['2027-01-10', 1_180_000],
      ['2027-02-10', 1_180_000],
      ['2027-03-10', 1_180_000],
    ]);
    expect(maintenance).toMatchObject({
      totalMinor: 450_000,
      earlyDiscount: { off: { kind: 'percent', basisPoints: 150 } },
    });
    expect(stall?.lines[0]).toMatchObject({
      amountMinor: 120_050,
      taxMinor: 21_609,
      taxes: [{ name: 'IGST', amountMinor: 21_609 }],
    });
    expect((await store.findByReference(result.demands[0]?.reference ?? ''))?._id).toBe(hall?._id);
  });

  it('a CSV upload with a bad row creates nothing and names the row and column', async () => {
    const providerId = provider();
    const csv = [HEADER, row('9876543210', 'Fee A'), row('9876543211', 'Fee B', '"10,00"'), row('12', 'Fee C')].join(
      '\n',
    );
    const result = await uploader.upload({ providerId, actor: 'clerk', csv, today: TODAY });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { row: 3, column: 'amount', message: '"10,00" is not rupees like 1500 or 1500.50 (no commas or ₹)' },
      { row: 4, column: 'payer_phone', message: NOT_A_MOBILE },
    ]);
    expect(await countOf(providerId)).toBe(0);
    expect(await demandBatchModel(conn).countDocuments({ providerId })).toBe(0);
  });

  it('names a row whose instalments do not add up, and a missing or misspelt column in the header', async () => {
    const providerId = provider();
    const plan = `${HEADER},instalments\n${row('9876543210', 'Fee')},500@2027-01-15;600@2027-01-31`;
    const bad = await uploader.upload({ providerId, actor: 'clerk', csv: plan, today: TODAY });
    expect(bad).toEqual({
      ok: false,
      errors: [{ row: 2, column: 'instalments', message: 'add up to ₹1,100.00, not the total of ₹1,180.00' }],
    });
    const header = await uploader.upload({
      providerId,
      actor: 'clerk',
      csv: 'payer_phone,titel,item,amount\n1,2,3,4',
      today: TODAY,
    });
    expect(header.ok ? [] : header.errors.map((e) => [e.row, e.column])).toEqual([
      [1, 'titel'],
      [1, 'title'],
      [1, 'due_date'],
    ]);
    expect(await countOf(providerId)).toBe(0);
  });

  it('uploading the same file again creates nothing more and answers the same reference numbers', async () => {
    const providerId = provider();
    const csv = [HEADER, row('9876543210', 'Fee A'), row('9876543211', 'Fee B')].join('\n');
    const first = await uploader.upload({ providerId, actor: 'clerk', csv, today: TODAY });
    const again = await uploader.upload({ providerId, actor: 'clerk', csv, today: TODAY });
    expect(first.ok && first.created).toBe(true);
    expect(again.ok && again.created).toBe(false);
    expect(again.ok && again.demands).toEqual(first.ok && first.demands);
    expect(await countOf(providerId)).toBe(2);
  });

  it('two identical uploads at the same time create each demand once', async () => {
    const providerId = provider();
    const csv = [HEADER, row('9876500021', 'Fee A'), row('9876500022', 'Fee B'), row('9876500023', 'Fee C')].join('\n');
    const results = await Promise.all(
      [1, 2, 3].map(() => uploader.upload({ providerId, actor: 'clerk', csv, today: TODAY })),
    );
    expect(await countOf(providerId)).toBe(3);
    const answers = results.map((r) => (r.ok ? r.demands.map((d) => d.reference) : []));
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(await store.listForProvider(providerId)).toHaveLength(3);
  });

  it('the same file from a member with a key and from the bulk client without one raises its demands once', async () => {
    const providerId = provider();
    const csv = [HEADER, row('9876500031', 'Fee A'), row('9876500032', 'Fee B')].join('\n');
    const portal = await uploader.upload({
      providerId,
      actor: 'member-sub',
      csv,
      uploadKey: 'portal-key-1',
      today: TODAY,
    });
    const api = await uploader.upload({
      providerId,
      actor: 'provider-bulk-api',
      csv: `\uFEFF${csv.replaceAll('\n', '\r\n')}\r\n`,
      today: TODAY,
    });
    expect(portal.ok && portal.created).toBe(true);
    expect(api.ok && api.created).toBe(false);
    expect(api.ok && api.demands).toEqual(portal.ok && portal.demands);
    expect(await countOf(providerId)).toBe(2);
  });

  it('refuses an upload key reused for another file', async () => {
    const providerId = provider();
    const csv = [HEADER, row('9876543210', 'Fee A')].join('\n');
    await uploader.upload({ providerId, actor: 'clerk', csv, uploadKey: 'october', today: TODAY });
    const other = await uploader
      .upload({
        providerId,
        actor: 'clerk',
        csv: `${csv}\n${row('9876543211', 'Fee B')}`,
        uploadKey: 'october',
        today: TODAY,
      })
      .catch((e: unknown) => e);
    expect(other).toBeInstanceOf(ConflictError);
    expect(await countOf(providerId)).toBe(1);
  });

  it('a crash midway leaves no demand visible or payable, and the same upload again completes it once', async () => {
    const providerId = provider();
    const phones = ['9876500001', '9876500002', '9876500003'];
    const csv = [HEADER, ...phones.map((p, i) => row(p, `Fee ${i}`))].join('\n');
    const crashing = new DemandUploader(conn, new CrashingStore(conn, 2));
    await expect(crashing.upload({ providerId, actor: 'clerk', csv, today: TODAY })).rejects.toThrow('process killed');

    const halfway = await store.model.find({ providerId }).lean<Demand[]>();
    expect(halfway).toHaveLength(2);
    expect(halfway.every((d) => !d.live)).toBe(true);
    expect(await store.listForPayer({ phone: '+919876500001' })).toEqual([]);
    expect(await store.findByReference(halfway[0]?.reference ?? '')).toBeNull();
    expect(await store.listForProvider(providerId)).toEqual([]);

    const resumed = await uploader.upload({ providerId, actor: 'clerk', csv, today: TODAY });
    if (!resumed.ok) throw new Error('the re-run should succeed');
    expect(
      resumed.demands
        .map((d) => d.reference)
        .slice(0, 2)
        .sort(),
    ).toEqual(halfway.map((d) => d.reference).sort());
    expect(await countOf(providerId)).toBe(3);
    expect(await store.listForProvider(providerId)).toHaveLength(3);
  });

  it('an upload whose drawn reference number is already taken still creates every row, each with its own number', async () => {
    const providerId = provider();
    const taken = await uploader.upload({
      providerId,
      actor: 'clerk',
      csv: [HEADER, row('9876500051', 'Fee A')].join('\n'),
      today: TODAY,
    });
    if (!taken.ok) throw new Error('first upload failed');
    const takenReference = taken.demands[0]?.reference ?? '';
    // The first draw repeats a number in use: the bulk insert meets the conflict, the rows are redone one by one.
    const draws = [takenReference];
    const colliding = new DemandStore(conn, { newReference: () => draws.shift() ?? newReferenceNumber() });
    const csv = [HEADER, row('9876500052', 'Fee B'), row('9876500053', 'Fee C'), row('9876500054', 'Fee D')].join('\n');
    const result = await new DemandUploader(conn, colliding).upload({ providerId, actor: 'clerk', csv, today: TODAY });
    if (!result.ok) throw new Error('the upload should succeed');
    const references = result.demands.map((d) => d.reference);
    expect(references).toHaveLength(3);
    expect(new Set([...references, takenReference]).size).toBe(4);
    expect(await countOf(providerId)).toBe(4);
  });

  it('a crash after the commit is finished by the sweep: every row of the batch becomes live', async () => {
    const providerId = provider();
    const csv = [HEADER, row('9876500011', 'Fee A'), row('9876500012', 'Fee B')].join('\n');
    const result = await uploader.upload({ providerId, actor: 'clerk', csv, today: TODAY });
    if (!result.ok) throw new Error('upload failed');
    // The state a crash between the commit and the publication leaves.
    await store.model.updateMany({ batchId: result.batchId }, { $set: { live: false } });
    await demandBatchModel(conn).updateOne({ _id: result.batchId }, { $unset: { publishedAt: '' } });

    expect(await uploader.publishCommitted()).toBeGreaterThanOrEqual(1);
    expect(await store.listForProvider(providerId)).toHaveLength(2);
    expect((await demandBatchModel(conn).findById(result.batchId).lean())?.publishedAt).toBeInstanceOf(Date);
  });
});
