/**
 * npm run bench:demands — what a provider's bulk work costs, against the database's own rate in
 * the same run:
 *   1. upload: a CSV of `rows` demands (5,000, the most one upload takes) through DemandUploader
 *      (parse, check every row, batch, insert the rows invisible, commit, publish), against
 *      inserting the same documents into the same collection (same indexes) with one bare-driver
 *      insertMany: the raw ceiling for that many documents;
 *   2. totals: the dashboard's totals (collected, outstanding) over all of them (demandTotals), against
 *      reading the same fields with a bare find().
 * Each is measured `rounds` times on a fresh provider and the median reported. The upload's CSV
 * parse and checks alone are timed too, to show where the time goes. Results: a table on stdout
 * and bench/results/demands-<date>.json, with the machine's CPU, cores and load average.
 *
 * Settings (argv --name=value, or env BENCH_NAME): rows (5000), rounds (3). MONGODB_URI is used
 * when set; otherwise a private local server is started (memory backend).
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { demandTotals } from '../../hub/api/routes/demand-totals.js';
import { todayInIndia } from '../../hub/bills/indian-day.js';
import { demandDocument } from '../../hub/demands/demand-document.js';
import { newDemandId } from '../../hub/demands/demand-ids.js';
import { DemandStore, DemandUploader, parseDemandCsv } from '../../hub/demands/index.js';
import { newReferenceNumber } from '../../hub/demands/reference-number.js';
import { connectMongo } from '../../infra/mongo.js';
import { startLocalServices } from '../../scripts/local-services/index.js';
import { writeResult } from '../shared/results.js';
import { numberSetting } from '../shared/settings.js';

const settings = { rows: Math.max(1, numberSetting('rows', 5000)), rounds: Math.max(1, numberSetting('rounds', 3)) };

/** A valid upload of `rows` one-line demands with GST, due in 30 days (Indian mobile payers). */
function uploadCsv(rows: number, today: string): string {
  const due = new Date(`${today}T00:00:00Z`);
  due.setUTCDate(due.getUTCDate() + 30);
  const dueDay = due.toISOString().slice(0, 10);
  const lines = ['payer_phone,title,item,amount,cgst,sgst,due_date'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `98${String(10_000_000 + i).padStart(8, '0')},Hall booking ${i},Hall rent,1000.00,90.00,90.00,${dueDay}`,
    );
  }
  return lines.join('\n');
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const ms = (start: number) => performance.now() - start;

const services = await startLocalServices({ mode: 'test' });
const conn = await connectMongo(services.mongoUri, { dbName: `bench_demands_${Date.now()}` });
const store = new DemandStore(conn);
const uploader = new DemandUploader(conn, store);
await uploader.init();
// The baseline writes the same collection, with the same indexes, through the bare driver.
const raw = store.model.collection as unknown as import('mongodb').Collection<{ _id: string }>;

const today = todayInIndia();
const csv = uploadCsv(settings.rows, today);
const startedAt = new Date().toISOString();
const loadBefore = loadavg();
const rounds: { parseMs: number; uploadMs: number; rawInsertMs: number; totalsMs: number; rawReadMs: number }[] = [];

for (let round = 0; round < settings.rounds; round++) {
  const providerId = `bench-provider-${round}`;

  let start = performance.now();
  const parsed = parseDemandCsv(csv, { providerId, today });
  const parseMs = ms(start);
  if (!parsed.ok) throw new Error(`the bench's own CSV is refused: ${JSON.stringify(parsed.errors.slice(0, 3))}`);

  start = performance.now();
  const result = await uploader.upload({ providerId, actor: 'bench', csv, today });
  const uploadMs = ms(start);
  if (!result.ok || result.demands.length !== settings.rows) throw new Error('the upload did not create every row');

  // The same documents, ids and references drawn the same way, in one insertMany: the ceiling.
  const docs = parsed.rows.map(({ demand }) => ({
    ...demandDocument(demand, { _id: newDemandId(), actor: 'bench', at: new Date(), live: true }),
    providerId: `raw-${providerId}`,
    reference: newReferenceNumber(),
  }));
  start = performance.now();
  await raw.insertMany(docs, { ordered: false });
  const rawInsertMs = ms(start);

  start = performance.now();
  const totals = await demandTotals(store.model, providerId, {});
  const totalsMs = ms(start);
  if (totals.demands !== settings.rows) throw new Error(`totals counted ${totals.demands} demands`);

  start = performance.now();
  const read = await raw
    .find({ providerId: `raw-${providerId}` }, { projection: { status: 1, paidMinor: 1, instalments: 1 } })
    .toArray();
  const rawReadMs = ms(start);
  if (read.length !== settings.rows) throw new Error(`raw read found ${read.length}`);

  rounds.push({ parseMs, uploadMs, rawInsertMs, totalsMs, rawReadMs });
  console.log(
    `round ${round + 1}: parse ${parseMs.toFixed(0)} ms, upload ${uploadMs.toFixed(0)} ms (raw insertMany ${rawInsertMs.toFixed(0)} ms), totals ${totalsMs.toFixed(0)} ms (raw read ${rawReadMs.toFixed(0)} ms)`,
  );
}

const pick = (key: keyof (typeof rounds)[number]) => median(rounds.map((r) => r[key]));
const report = {
  startedAt,
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
  loadAverage: { before: loadBefore, after: loadavg() },
  services: { mongo: services.started.mongo ? 'local mongo-java-server (memory backend)' : 'MONGODB_URI' },
  settings,
  medians: {
    parseMs: pick('parseMs'),
    uploadMs: pick('uploadMs'),
    uploadRowsPerSecond: (settings.rows / pick('uploadMs')) * 1000,
    rawInsertMs: pick('rawInsertMs'),
    rawInsertRowsPerSecond: (settings.rows / pick('rawInsertMs')) * 1000,
    uploadVsRaw: pick('rawInsertMs') / pick('uploadMs'),
    totalsMs: pick('totalsMs'),
    rawReadMs: pick('rawReadMs'),
    totalsVsRaw: pick('rawReadMs') / pick('totalsMs'),
  },
  rounds,
};

const m = report.medians;
console.log(
  `\n${settings.rows} demands, median of ${settings.rounds} rounds, ${report.machine.cpu} x${report.machine.cores}`,
);
console.log('| measure | hub | raw database | hub / raw speed |');
console.log('| --- | ---: | ---: | ---: |');
console.log(
  `| CSV upload (${settings.rows} rows) | ${m.uploadMs.toFixed(0)} ms (${m.uploadRowsPerSecond.toFixed(0)} rows/s; parse ${m.parseMs.toFixed(0)} ms) | insertMany ${m.rawInsertMs.toFixed(0)} ms (${m.rawInsertRowsPerSecond.toFixed(0)}/s) | ${m.uploadVsRaw.toFixed(2)} |`,
);
console.log(
  `| dashboard totals (${settings.rows} demands) | ${m.totalsMs.toFixed(0)} ms | find ${m.rawReadMs.toFixed(0)} ms | ${m.totalsVsRaw.toFixed(2)} |`,
);
console.log(
  `load average before/after: ${loadBefore.map((n) => n.toFixed(2)).join(' ')} / ${report.loadAverage.after.map((n) => n.toFixed(2)).join(' ')}`,
);

console.log(`written ${writeResult('demands', startedAt, report)}`);

await conn.close();
await services.stop();
