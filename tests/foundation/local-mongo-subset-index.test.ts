import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, connectMongo } from '../../infra/mongo.js';
import { type LocalMongo, startMongoServer } from '../../scripts/local-services/mongo-server.js';
import { isolatedMongo } from '../support/isolation.js';

interface Line {
  _id: string;
  status: string;
}
interface Doc {
  _id: string;
  kind: string;
  status: string;
  owner?: string;
  key?: string;
  ref?: string;
  phone?: string;
  lines?: Line[];
}

const ids = (docs: { _id: string }[]) => docs.map((doc) => doc._id);

// The local server (scripts/mongo-server/SubsetIndexLookup.java) answers a query that names a
// unique index's fields and more, such as the conditional update {_id, status}, from that index
// instead of scanning the collection. These cases check it finds exactly what a scan finds.
function subsetIndexCases(connect: () => Promise<{ conn: Connection; done: () => Promise<void> }>) {
  let conn: Connection;
  let done: () => Promise<void>;
  const docs = () => conn.collection<Doc>('docs');

  beforeAll(async () => {
    ({ conn, done } = await connect());
    await docs().createIndex({ owner: 1, key: 1 }, { unique: true });
    await docs().createIndex({ ref: 1 }, { unique: true });
    await docs().createIndex({ 'lines._id': 1 }, { unique: true });
    await docs().createIndex({ phone: 1 }, { unique: true, sparse: true });
    // A scan visits documents in insertion order (memory) or _id order (file); the _id index
    // answers a $in in _id order, the ref index in ref order, which runs the other way.
    await docs().insertMany([
      {
        _id: 'c',
        kind: 'bill',
        status: 'paid',
        owner: 'o1',
        key: 'k3',
        ref: 'r1',
        lines: [{ _id: 'L3', status: 'paid' }],
      },
      {
        _id: 'b',
        kind: 'bill',
        status: 'due',
        owner: 'o1',
        key: 'k2',
        ref: 'r2',
        lines: [{ _id: 'L2', status: 'due' }],
      },
      {
        _id: 'a',
        kind: 'bill',
        status: 'due',
        owner: 'o2',
        key: 'k1',
        ref: 'r3',
        lines: [{ _id: 'L1', status: 'posting' }],
      },
      {
        _id: 'z',
        kind: 'note',
        status: 'due',
        owner: 'o9',
        key: 'k9',
        ref: 'r9',
        lines: [{ _id: 'L9', status: 'due' }],
      },
    ]);
  });
  afterAll(async () => done?.());

  it('finds by _id and another field, and nothing when the other field differs', async () => {
    expect(await docs().findOne({ _id: 'b', status: 'due' })).toMatchObject({ _id: 'b', key: 'k2' });
    expect(await docs().findOne({ _id: 'b', status: 'paid' })).toBeNull();
    expect(await docs().findOne({ _id: 'nope', status: 'due' })).toBeNull();
    expect(await docs().findOne({ _id: 'b', status: { $in: ['paid', 'due'] }, kind: 'bill' })).toMatchObject({
      _id: 'b',
    });
    expect(await docs().findOne({ _id: 'b', lines: { $elemMatch: { _id: 'L2', status: 'due' } } })).toMatchObject({
      _id: 'b',
    });
    expect(await docs().findOne({ _id: 'b', lines: { $elemMatch: { _id: 'L2', status: 'paid' } } })).toBeNull();
  });

  it('reads a $in with another condition from the index, in the index order', async () => {
    const byId = await docs()
      .find({ _id: { $in: ['a', 'b', 'c', 'z'] }, kind: 'bill' })
      .toArray();
    expect(ids(byId)).toEqual(['a', 'b', 'c']);
    const byRef = await docs()
      .find({ ref: { $in: ['r3', 'r2', 'r1', 'r9'] }, kind: 'bill' })
      .toArray();
    expect(ids(byRef)).toEqual(['c', 'b', 'a']);
    const due = await docs()
      .find({ _id: { $in: ['c', 'b', 'a'] }, status: 'due' })
      .toArray();
    expect(ids(due)).toEqual(['a', 'b']);
  });

  it('uses a compound and a multikey unique index for part of a query', async () => {
    expect(ids(await docs().find({ owner: 'o1', key: 'k2', status: 'due' }).toArray())).toEqual(['b']);
    expect(await docs().findOne({ owner: 'o1', key: 'k3', status: 'due' })).toBeNull();
    expect(ids(await docs().find({ ref: 'r3', kind: 'bill' }).toArray())).toEqual(['a']);
    expect(ids(await docs().find({ 'lines._id': 'L1', status: 'due' }).toArray())).toEqual(['a']);
    expect(ids(await docs().find({ 'lines._id': 'L1', 'lines.status': 'due' }).toArray())).toEqual([]);
  });

  it('leaves other shapes to a scan: operators, null, patterns and sparse indexes', async () => {
    const sorted = async (filter: object) => ids(await docs().find(filter).toArray()).sort();
    expect(await sorted({ _id: { $ne: 'a' }, status: 'due' })).toEqual(['b', 'z']);
    expect(await sorted({ phone: null, status: 'due' })).toEqual(['a', 'b', 'z']);
    expect(await sorted({ _id: /^[ab]$/, status: 'due' })).toEqual(['a', 'b']);
    expect(await sorted({ status: 'due', kind: 'bill' })).toEqual(['a', 'b']);
    expect(await sorted({ _id: { $in: ['a', null] }, status: 'due' })).toEqual(['a']);
    await docs().updateOne({ _id: 'z' }, { $set: { phone: '+919800000001' } });
    expect(await sorted({ phone: '+919800000001', kind: 'note' })).toEqual(['z']);
  });

  it('applies conditional updates and deletes only where the whole filter matches', async () => {
    const moved = await docs().findOneAndUpdate(
      { _id: 'a', status: 'due', 'lines._id': 'L1' },
      { $set: { status: 'settling', 'lines.$[l].status': 'posted' } },
      { arrayFilters: [{ 'l._id': 'L1' }], returnDocument: 'after' },
    );
    expect(moved).toMatchObject({ status: 'settling', lines: [{ _id: 'L1', status: 'posted' }] });
    const again = await docs().findOneAndUpdate({ _id: 'a', status: 'due' }, { $set: { status: 'settled' } });
    expect(again).toBeNull();
    expect((await docs().updateOne({ _id: 'c', status: 'due' }, { $set: { status: 'x' } })).matchedCount).toBe(0);
    expect(
      (await docs().updateMany({ _id: { $in: ['b', 'c'] }, status: 'paid' }, { $set: { kind: 'old' } })).modifiedCount,
    ).toBe(1);
    expect((await docs().deleteOne({ _id: 'z', kind: 'bill' })).deletedCount).toBe(0);
    expect((await docs().deleteOne({ _id: 'z', kind: 'note' })).deletedCount).toBe(1);
    expect(await docs().countDocuments({ _id: { $in: ['a', 'b', 'c', 'z'] }, kind: { $ne: 'none' } })).toBe(3);
    // An update that moves a document's unique key keeps the index right for the next lookup.
    await docs().updateOne({ _id: 'b', status: 'due' }, { $set: { ref: 'r9' } });
    expect(ids(await docs().find({ ref: 'r9', kind: 'bill' }).toArray())).toEqual(['b']);
    expect(await docs().findOne({ ref: 'r2', kind: 'bill' })).toBeNull();
  });
  it('finds by the leading field of a compound unique index, and follows its changes', async () => {
    // The ledger's chain read: find({ paymentId }).sort({ seq: 1 }) on the index { paymentId, seq }.
    const chain = conn.collection<{ _id: string; paymentId: string; seq: number; kind: string }>('chain');
    await chain.createIndex({ paymentId: 1, seq: 1 }, { unique: true });
    await chain.insertMany([
      { _id: 't3', paymentId: 'P1', seq: 2, kind: 'payout' },
      { _id: 't1', paymentId: 'P1', seq: 0, kind: 'capture' },
      { _id: 't4', paymentId: 'P2', seq: 0, kind: 'capture' },
      { _id: 't2', paymentId: 'P1', seq: 1, kind: 'settle' },
    ]);
    const seqs = async (filter: object) =>
      (await chain.find(filter).sort({ seq: 1 }).toArray()).map((tx) => `${tx.paymentId}:${tx.seq}`);
    expect(await seqs({ paymentId: 'P1' })).toEqual(['P1:0', 'P1:1', 'P1:2']);
    expect(await seqs({ paymentId: 'P1', kind: 'settle' })).toEqual(['P1:1']);
    expect(await seqs({ paymentId: 'P1', seq: 2 })).toEqual(['P1:2']);
    expect(await seqs({ paymentId: 'P9' })).toEqual([]);
    await chain.updateOne({ _id: 't3', paymentId: 'P1' }, { $set: { paymentId: 'P2', seq: 1 } });
    await chain.deleteOne({ paymentId: 'P1', seq: 0 });
    expect(await seqs({ paymentId: 'P1' })).toEqual(['P1:1']);
    expect(await seqs({ paymentId: 'P2' })).toEqual(['P2:0', 'P2:1']);
    await chain.insertOne({ _id: 't5', paymentId: 'P1', seq: 0, kind: 'capture' });
    expect(await seqs({ paymentId: 'P1' })).toEqual(['P1:0', 'P1:1']);
    await expect(chain.insertOne({ _id: 't6', paymentId: 'P1', seq: 1, kind: 'again' })).rejects.toThrow(
      /duplicate key/i,
    );
    expect(await chain.countDocuments({ paymentId: 'P1' })).toBe(2);
  });
}

describe('the local MongoDB (memory) finds by part of a query through a unique index', () => {
  subsetIndexCases(async () => {
    const { conn, drop } = await isolatedMongo('subset_index');
    return { conn, done: drop };
  });
});

describe('the local MongoDB (file) finds by part of a query through a unique index', () => {
  let server: LocalMongo;
  let dir: string;
  subsetIndexCases(async () => {
    dir = mkdtempSync(join(tmpdir(), 'billpay-h2-'));
    server = await startMongoServer({ kind: 'h2', file: join(dir, 'mongo.mv') });
    const conn = await connectMongo(server.uri, { dbName: 'subset_index' });
    return {
      conn,
      done: async () => {
        await conn.close();
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

describe('the local MongoDB (file) finds by the leading field of a compound index after a restart', () => {
  it('reads the index it kept in the file, and keeps following it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billpay-h2-'));
    const file = join(dir, 'mongo.mv');
    type Tx = { _id: string; paymentId: string; seq: number };
    const open = async () => {
      const server = await startMongoServer({ kind: 'h2', file });
      const conn = await connectMongo(server.uri, { dbName: 'leading_key' });
      const chain = conn.collection<Tx>('chain');
      const seqs = async (paymentId: string) =>
        (await chain.find({ paymentId }).sort({ seq: 1 }).toArray()).map((tx) => tx._id);
      return {
        chain,
        seqs,
        close: async () => {
          await conn.close();
          await server.stop();
        },
      };
    };
    try {
      const first = await open();
      await first.chain.createIndex({ paymentId: 1, seq: 1 }, { unique: true });
      await first.chain.insertMany([
        { _id: 'a1', paymentId: 'P1', seq: 1 },
        { _id: 'a0', paymentId: 'P1', seq: 0 },
        { _id: 'b0', paymentId: 'P2', seq: 0 },
      ]);
      await first.close();

      const second = await open();
      expect(await second.seqs('P1')).toEqual(['a0', 'a1']);
      await second.chain.insertOne({ _id: 'a2', paymentId: 'P1', seq: 2 });
      await second.chain.deleteOne({ _id: 'a0' });
      expect(await second.seqs('P1')).toEqual(['a1', 'a2']);
      expect(await second.seqs('P2')).toEqual(['b0']);
      await expect(second.chain.insertOne({ _id: 'a9', paymentId: 'P1', seq: 1 })).rejects.toThrow(/duplicate key/i);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
