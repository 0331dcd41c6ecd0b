/**
 * npm run bench:mongo — what the hub's own query shapes cost on the database as a collection grows,
 * against a read by `_id` alone on the same collection in the same run (the baseline: an index
 * lookup on any MongoDB server). At each size in `sizes` the collection is filled with
 * payment-sized documents and ledger-transaction-sized ones, then, one call after another:
 *   - by _id:        findOne({ _id }) of one of the newest payments (the baseline);
 *   - transition:    findOneAndUpdate({ _id, status }) of one of the newest payments, the shape of
 *                    every conditional state change (PaymentStore and the other stores);
 *   - ledger chain:  find({ paymentId }).sort({ seq: 1 }) on the index { paymentId, seq }, the
 *                    ledger's read before each append (Ledger.forPayment).
 * The newest documents are the ones a running hub changes, and the ones a scan reaches last. Each
 * shape is warmed up with `calls` calls, then timed over as many; the figure is ms per call (the client's round
 * trip, which on a loopback is mostly the server's work) and its ratio to the baseline.
 *
 * Settings (argv --name=value, or env BENCH_NAME): sizes (1000,10000,30000), calls (300).
 * MONGODB_URI is used when set; otherwise a private local server is started (memory backend).
 * Results: a table on stdout and bench/results/mongo-<date>.json, with the machine.
 */
import { performance } from 'node:perf_hooks';
import { connectMongo } from '../../infra/mongo.js';
import { startLocalServices } from '../../scripts/local-services/index.js';
import { describeMachine, machineFacts } from '../shared/machine.js';
import { writeResult } from '../shared/results.js';
import { numberSetting, setting } from '../shared/settings.js';

const sizes = setting('sizes', '1000,10000,30000')
  .split(',')
  .map((n) => Number(n))
  .filter((n) => Number.isInteger(n) && n > 0);
const calls = Math.max(10, numberSetting('calls', 300));

interface PaymentLike {
  _id: string;
  citizenSub: string;
  status: string;
  version: number;
  lines: { _id: string; status: string; amountMinor: number }[];
  timeline: { at: Date; event: string }[];
}
interface LedgerLike {
  _id: string;
  paymentId: string;
  seq: number;
  entries: { account: string; debitMinor?: number; creditMinor?: number }[];
  hash: string;
}

const paymentId = (i: number) => `PAY${String(i).padStart(20, '0')}`;

function payment(i: number): PaymentLike {
  const at = new Date();
  return {
    _id: paymentId(i),
    citizenSub: `citizen-${i % 16}`,
    status: 'settling',
    version: 0,
    lines: [0, 1, 2].map((n) => ({ _id: `LIN${i * 3 + n}`, status: 'posting', amountMinor: 123_400 + n })),
    timeline: Array.from({ length: 8 }, (_, n) => ({ at, event: `event.${n}` })),
  };
}

/** Four ledger transactions per payment: capture and one settlement per line. */
function ledgerTransactions(i: number): LedgerLike[] {
  return [0, 1, 2, 3].map((seq) => ({
    _id: `TX${i}-${seq}`,
    paymentId: paymentId(i),
    seq,
    entries: [
      { account: 'gateway-clearing', debitMinor: 123_400 },
      { account: 'biller-payable', creditMinor: 123_400 },
    ],
    hash: 'h'.repeat(64),
  }));
}

/** Milliseconds per call of `op(i)` over `calls` calls, after as many to warm up (the server's JIT). */
async function perCall(op: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < calls; i++) await op(i);
  const start = performance.now();
  for (let i = 0; i < calls; i++) await op(i);
  return (performance.now() - start) / calls;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;
const startedAt = new Date().toISOString();
const services = await startLocalServices({ mode: 'test' });
const conn = await connectMongo(services.mongoUri, { dbName: `bench_mongo_${Date.now()}` });
const db = conn.getClient().db(conn.name);
const payments = db.collection<PaymentLike>('payments');
const ledger = db.collection<LedgerLike>('ledger_transactions');
await payments.createIndex({ 'lines._id': 1 }, { unique: true });
await ledger.createIndex({ paymentId: 1, seq: 1 }, { unique: true });
const machine = machineFacts();
console.log(`bench:mongo on ${describeMachine(machine)}; ${services.started.mongo ? 'local' : 'given'} MongoDB`);

const rows: { documents: number; byIdMs: number; transitionMs: number; ledgerChainMs: number }[] = [];
let filled = 0;
for (const documents of sizes.sort((a, b) => a - b)) {
  for (let from = filled; from < documents; from += 1000) {
    const to = Math.min(documents, from + 1000);
    const batch = Array.from({ length: to - from }, (_, k) => from + k);
    await payments.insertMany(batch.map(payment));
    await ledger.insertMany(batch.flatMap(ledgerTransactions));
  }
  filled = documents;
  // The newest hundred documents, as a running hub touches them.
  const newest = (i: number) => documents - 1 - (i % 100);
  const byIdMs = await perCall((i) => payments.findOne({ _id: paymentId(newest(i)) }));
  const versions = new Map<number, number>();
  const transitionMs = await perCall(async (i) => {
    const n = newest(i);
    const version = versions.get(n) ?? 0;
    const after = await payments.findOneAndUpdate(
      { _id: paymentId(n), version },
      { $set: { version: version + 1 }, $push: { timeline: { at: new Date(), event: 'bench' } } },
      { returnDocument: 'after' },
    );
    if (!after) throw new Error(`the transition of ${paymentId(n)} from version ${version} matched nothing`);
    versions.set(n, version + 1);
  });
  const ledgerChainMs = await perCall(async (i) => {
    const chain = await ledger
      .find({ paymentId: paymentId(newest(i)) })
      .sort({ seq: 1 })
      .toArray();
    if (chain.length !== 4) throw new Error(`ledger chain of ${paymentId(newest(i))} has ${chain.length} entries`);
  });
  rows.push({
    documents,
    byIdMs: round3(byIdMs),
    transitionMs: round3(transitionMs),
    ledgerChainMs: round3(ledgerChainMs),
  });
  console.log(`  ${documents} payments, ${documents * 4} ledger transactions measured`);
}

console.log('\n| payments (ledger transactions) | by _id ms | transition ms (x by _id) | ledger chain ms (x by _id) |');
console.log('| --- | ---: | ---: | ---: |');
for (const row of rows) {
  const x = (ms: number) => (ms / row.byIdMs).toFixed(2);
  console.log(
    `| ${row.documents} (${row.documents * 4}) | ${row.byIdMs} | ${row.transitionMs} (${x(row.transitionMs)}) | ${row.ledgerChainMs} (${x(row.ledgerChainMs)}) |`,
  );
}

const report = {
  startedAt,
  machine,
  mongo: services.started.mongo ? 'local' : 'given',
  settings: { sizes, calls },
  rows,
};
console.log(`written ${writeResult('mongo', startedAt, report)}`);

await conn.close();
await services.stop();
