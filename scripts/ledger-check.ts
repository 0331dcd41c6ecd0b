/**
 * `npm run ledger:check [-- PAYMENT_ID] [--balances] [--as-of ISO-8601]`: proves the ledger for
 * operators (hub/ledger/README.md). For every payment (or one): every transaction balanced and in
 * its payment's intact hash chain; captured = settled + refunded + in flight + unknown + held,
 * nothing owed below zero; the ledger agreeing with the payment records. Prints the totals and
 * every problem, and exits 1 on any problem (2 on bad arguments). `--balances` also lists every
 * account's balance, as of `--as-of` when given (the check itself is always of now).
 * `--chain-legacy` is the one-off step after upgrading a database written before hash chains
 * (hub/ledger/legacy.ts): it chains those transactions, then checks.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { hubEnvSchema } from '../hub/config.js';
import { type AccountBalance, chainLegacyTransactions, Ledger, type LedgerTotals } from '../hub/ledger/index.js';
import { formatRupees } from '../hub/receipts/receipt-pdf.js';
import { loadConfig } from '../infra/config.js';
import { connectMongo } from '../infra/mongo.js';

const money = (minor: number, currency: string) => {
  const sign = minor < 0 ? '-' : '';
  return currency === 'INR' ? `${sign}${formatRupees(Math.abs(minor))}` : `${sign}${currency} ${Math.abs(minor)} minor`;
};

function invariantLine(scope: string, currency: string, t: LedgerTotals): string {
  const m = (minor: number) => money(minor, currency);
  return (
    `${scope}: captured ${m(t.capturedMinor)} = settled ${m(t.settledMinor)} + refunded ${m(t.refundedMinor)}` +
    ` + in flight ${m(t.inFlightMinor)} + unknown ${m(t.unknownMinor)} + held ${m(t.heldMinor)}`
  );
}

function balanceTable(rows: readonly AccountBalance[]): string[] {
  const width = Math.max(7, ...rows.map((r) => r.account.length));
  return rows.map(
    (r) =>
      `${r.account.padEnd(width)}  ${(r.type ?? '?').padEnd(9)}  ${money(r.balanceMinor, r.currency).padStart(18)}` +
      `   (debits ${money(r.debitMinor, r.currency)}, credits ${money(r.creditMinor, r.currency)})`,
  );
}

/** The command line; bad arguments exit 2, apart from the check's 1. */
function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        balances: { type: 'boolean', default: false },
        'as-of': { type: 'string' },
        'chain-legacy': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}

const args = parse();
const asOfText = args.values['as-of'];
const asOf = asOfText === undefined ? undefined : new Date(asOfText);
if (asOf && Number.isNaN(asOf.getTime())) {
  console.error(`--as-of ${asOfText} is not an ISO-8601 time`);
  process.exit(2);
}
const paymentId = args.positionals[0];

const { MONGODB_URI, HUB_MONGODB_DB } = hubEnvSchema.shape;
const config = loadConfig(z.object({ MONGODB_URI, HUB_MONGODB_DB }));
const mongo = await connectMongo(config.MONGODB_URI, { dbName: config.HUB_MONGODB_DB });
try {
  const ledger = new Ledger(mongo);
  if (args.values['chain-legacy']) {
    const chained = await chainLegacyTransactions(ledger.model);
    console.log(`chained ${chained.transactions} legacy transaction(s) of ${chained.payments} payment(s)`);
    for (const id of chained.refused)
      console.log(`refused payment ${id}: it has a chain, its unchained transactions are not legacy`);
    await ledger.init();
  }
  if (args.values.balances) {
    console.log(`balances as of ${(asOf ?? new Date()).toISOString()}:`);
    for (const row of balanceTable(await ledger.balances({ asOf }))) console.log(`  ${row}`);
  }
  const report = await ledger.checkLedger(paymentId);
  const scope = paymentId ?? 'all payments';
  const currencies = Object.keys(report.totalsByCurrency);
  if (currencies.length === 0) console.log(invariantLine(scope, 'INR', report.totals));
  for (const currency of currencies) {
    console.log(invariantLine(scope, currency, report.totalsByCurrency[currency] as LedgerTotals));
  }
  console.log(`checked ${report.payments} payment(s), ${report.transactions} transaction(s), hash chains included`);
  for (const problem of report.problems) console.log(`problem: ${problem}`);
  console.log(report.ok ? 'ledger OK' : `ledger NOT OK: ${report.problems.length} problem(s)`);
  process.exitCode = report.ok ? 0 : 1;
} finally {
  await mongo.close();
}
