/**
 * `npm run ledger:check [-- PAYMENT_ID]`: proves the ledger for operators. For every payment
 * (or one), captured = settled + refunded + in flight, every transaction balanced, and the
 * ledger agreeing with the payment records. Prints the totals and any problem; exits 1 on one.
 */
import { z } from 'zod';
import { Ledger } from '../hub/ledger/index.js';
import { formatRupees } from '../hub/receipts/receipt-pdf.js';
import { env, loadConfig } from '../infra/config.js';
import { connectMongo } from '../infra/mongo.js';

const config = loadConfig(z.object({ MONGODB_URI: env.mongoUri(), HUB_MONGODB_DB: z.string().min(1).default('hub') }));
const paymentId = process.argv[2];
const mongo = await connectMongo(config.MONGODB_URI, { dbName: config.HUB_MONGODB_DB });
try {
  const report = await new Ledger(mongo).checkLedger(paymentId);
  const { capturedMinor, settledMinor, refundedMinor, inFlightMinor } = report.totals;
  console.log(
    `${paymentId ?? 'all payments'}: captured ${formatRupees(capturedMinor)} = settled ${formatRupees(settledMinor)}` +
      ` + refunded ${formatRupees(refundedMinor)} + in flight ${formatRupees(inFlightMinor)}`,
  );
  for (const problem of report.problems) console.log(`problem: ${problem}`);
  console.log(report.ok ? 'ledger OK' : `ledger NOT OK: ${report.problems.length} problem(s)`);
  process.exitCode = report.ok ? 0 : 1;
} finally {
  await mongo.close();
}
